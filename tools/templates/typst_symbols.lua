--[[ typst 0.14's names for the symbols that pandoc 3.8 writes under deprecated ones (for
`quarto render` and the fallback renderer alike: _quarto.yml `filters`, at post-render,
after Quarto has numbered the equations).

pandoc writes TeX's \odot (and a literal ⊙) as `dot.circle`, which typst 0.14 deprecates
in favour of `dot.o`, with one warning per use.  For typst output, each formula that holds
a deprecated name is written by pandoc's own typst writer and passed on as raw typst with
the new name: the same symbol, no warning.  Other formats (HTML) are left alone. ]]

if not FORMAT:match("typst") then
  return {}
end

-- deprecated name -> its typst 0.14 name (a prefix: dot.circle.big becomes dot.o.big)
local RENAMED = { ["dot.circle"] = "dot.o" }

local function renamed(typst)
  for old, new in pairs(RENAMED) do
    -- the name, not followed by more of an identifier (dot.circled stays)
    typst = typst:gsub(old:gsub("%.", "%%.") .. "([^%w%-])", new .. "%1")
  end
  return typst
end

function Math(el)
  local written = pandoc.write(pandoc.Pandoc({ pandoc.Plain({ el }) }), "typst")
  written = written:gsub("\n+$", "")
  local fixed = renamed(written .. " "):sub(1, -2)
  if fixed == written then
    return nil
  end
  return pandoc.RawInline("typst", fixed)
end
