"""The report is written in its own words: no long run of words is copied from the sources.

Names, titles and quoted claims are short; a run of ten or more words shared with a
source document would be a copied sentence.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
RUN = 10
# Long names the report must reproduce exactly (they are citations, not prose).
NAMES = (
    "Bureau of National Statistics, Agency for Strategic Planning and Reforms of the Republic of Kazakhstan",
    "Bureau of National Statistics of the Agency for Strategic Planning and Reforms of the Republic of Kazakhstan",
)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _report_prose() -> str:
    page = (ROOT / "report" / "index.html").read_text(encoding="utf-8")
    # the bibliography cites the sources by their titles and URLs: that is citation, not prose
    start, end = page.index('<h2 id="bibliography"'), page.index('<h2 id="downloads"')  # appendix chapters
    page = page[:start] + page[end:]
    for pattern in (r"<img[^>]*>", r"<details.*?</details>", r"<style.*?</style>", r"<[^>]+>"):
        page = re.sub(pattern, " ", page, flags=re.S)
    text = html.unescape(page)
    for name in NAMES:
        text = text.replace(name, " ")
    return text


def test_no_run_of_ten_words_is_copied_from_a_source() -> None:
    words = _words(_report_prose())
    for seed in sorted(SEEDS.glob("*.txt")):
        source = _words(seed.read_text(encoding="utf-8", errors="ignore"))
        runs = {tuple(source[i : i + RUN]) for i in range(len(source) - RUN + 1)}
        copied = [
            " ".join(words[i : i + RUN]) for i in range(len(words) - RUN + 1) if tuple(words[i : i + RUN]) in runs
        ]
        assert not copied, f"{seed.name}: the report repeats {copied[:3]}"
