--[[ Primes on the base line in the HTML's MathML (for `quarto render` and the fallback
renderer alike: _quarto.yml `filters`).

TeX's f' is f^{\prime}, and pandoc writes it as <msup><mi>f</mi><mo>′</mo></msup>.  An
OpenType MATH font draws U+2032 already raised at superscript size, so as a superscript it
is shrunk and raised once more: Chromium shows a speck like an acute accent.  Written as
f\prime, pandoc puts the prime on the base line: <mi>f</mi><mi>′</mi>.  Text inside
\text{}, \mathrm{} and \operatorname{} keeps its apostrophes.  Other formats (typst) are
left alone. ]]

if not FORMAT:match("html") then
  return {}
end

local PROTECTED = { "\\text%a*%b{}", "\\mathrm%b{}", "\\operatorname%*?%b{}" }

function Math(el)
  local kept = {}
  local tex = el.text
  for _, pattern in ipairs(PROTECTED) do
    tex = tex:gsub(pattern, function(group)
      kept[#kept + 1] = group
      return "\1" .. #kept .. "\2"
    end)
  end
  tex = tex:gsub("'", "\\prime ")
  el.text = tex:gsub("\1(%d+)\2", function(n) return kept[tonumber(n)] end)
  return el
end
