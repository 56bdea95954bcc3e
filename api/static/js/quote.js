// Finding a cited quote in an article's text, tolerant as the citation verifier is.

const TONE_MOVES = [["òa", "oà"], ["óa", "oá"], ["ỏa", "oả"], ["õa", "oã"], ["ọa", "oạ"], ["òe", "oè"], ["óe", "oé"],
  ["ỏe", "oẻ"], ["õe", "oẽ"], ["ọe", "oẹ"], ["ùy", "uỳ"], ["úy", "uý"], ["ủy", "uỷ"], ["ũy", "uỹ"], ["ụy", "uỵ"]];
const QUOTE_CHARS = {"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'"};

/** The verifier's normalisation (assistant/verify.py) with a map from each normalised character to its source index. */
function normalised(text) {
  let out = "";
  const map = [];
  let space = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      if (!space && out.length) { out += " "; map.push(i); }
      space = true;
      continue;
    }
    space = false;
    const low = (QUOTE_CHARS[ch] || ch).toLowerCase();
    for (const c of low) { out += c; map.push(i); }
  }
  for (const [a, b] of TONE_MOVES) out = out.split(a).join(b); // same length: the map stays valid
  return {text: out, map};
}

/** [start, end) of `quote` in `text` (both NFC), tolerant of case, spacing and typographic quotes; null if absent. */
export function findQuote(text, quote) {
  const q = normalised((quote || "").normalize("NFC")).text.replace(/^[\s.;:,…]+|[\s.;:,…]+$/g, "");
  if (!q) return null;
  const t = normalised(text);
  const at = t.text.indexOf(q);
  if (at < 0) return null;
  return [t.map[at], t.map[at + q.length - 1] + 1];
}
