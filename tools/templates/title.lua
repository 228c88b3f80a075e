--[[ The PDF's title is not hyphenated (for `quarto render` and the fallback renderer
alike: _quarto.yml `filters`).  Quarto's typst template sets the title block in justified
text, where typst hyphenates ("de-rivation"); the title is wrapped in
#text(hyphenate: false)[...].  Other formats (HTML) are left alone. ]]

if not FORMAT:match("typst") then
  return {}
end

function Meta(meta)
  if meta.title == nil then
    return nil
  end
  local title = pandoc.Inlines({ pandoc.RawInline("typst", "#text(hyphenate: false)[") })
  title:extend(pandoc.utils.type(meta.title) == "Inlines" and meta.title
               or pandoc.Inlines(pandoc.utils.stringify(meta.title)))
  title:insert(pandoc.RawInline("typst", "]"))
  meta.title = title
  return meta
end
