"""字数 throughput of ``baosong.intake.wordcount.count`` on government-information text.

Every accepted piece is counted once (the whole document, paragraphs joined by '\\n'), so
what matters is 字 per second on document-sized strings: a typical ~2,000 字 piece and a
30-page (~18,000 字) report. The text mixes Han characters, full-width punctuation, digits,
amounts, percentages and Latin abbreviations (GDP, 5G, PM2.5, APP), with the usual
two-ideographic-space paragraph indent.

The reference, measured in the same run on the same texts, is the naive count a first attempt
would write: one compiled regex, ``len(findall(r"[一-鿿]|[^\\s一-鿿]+"))`` (Han characters
plus runs of anything else). baosong's count does more (every East-Asian block, ambiguous
punctuation, the dialog's character figures) yet runs faster, matching long runs at once; the
ratio cancels a slower or busier machine and trips when the count itself slows down. Rates are items per CPU second of
the best round (a round on a shared machine is only ever slowed down, never sped up).

    python bench/bench_wordcount.py [--seconds S] [--json FILE]
"""

from __future__ import annotations

import random
import re
import sys

from baosong.intake.wordcount import count

import _common as c

# Measured ~23-25 M字/s on the 2-core reference machine; 10 M字/s keeps 2.3x headroom and
# fails on a 3x slowdown. A 30-page piece is then counted in under 2 ms.
TARGET_M_WORDS_PER_S = 10.0
# baosong's rate ÷ the naive regex's on the same texts (see above): measured ~1.6x for both cases on
# the 2-core reference machine (loaded); 0.65 keeps ~2.5x headroom and fails on a 3x slowdown of
# the count (this replaces the timed assert that was in tests/test_wordcount.py).
RATIO_TARGET = {"piece": 0.65, "report": 0.65}

_NAIVE = re.compile(r"[\u4e00-\u9fff]|[^\s\u4e00-\u9fff]+")


def naive_count(text: str) -> int:
    """The reference: Han characters plus runs of other non-space characters, one regex."""
    return len(_NAIVE.findall(text))


def document(rng: random.Random, chars: int) -> str:
    place = rng.choice(c.PLACES)
    paras = [c.title(rng, place), "报送单位：" + place + "  撰稿人：" + rng.choice(c.AUTHORS)]
    paras += ["\u3000\u3000" + p for p in c.paragraphs(rng, place, chars)]
    return "\n".join(paras)


def main(argv: list[str] | None = None) -> int:
    parser = c.arg_parser(__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="measuring time per case (default 4)")
    args = parser.parse_args(argv)
    c.time_limit(120)
    rng = random.Random(20260101)
    cases = [
        ("piece", "~2,000 字 piece", [document(rng, 2000) for _ in range(50)]),
        ("report", "30-page report (~18,000 字)", [document(rng, 18000) for _ in range(6)]),
    ]
    figures = []
    for key, label, texts in cases:
        words = sum(count(t).words for t in texts)  # also warms the compiled patterns
        naive = sum(naive_count(t) for t in texts)
        chars = sum(len(t) for t in texts)

        def once(texts=texts, words=words) -> int:
            for t in texts:
                count(t)
            return words

        def reference(texts=texts, words=words) -> int:
            for t in texts:
                naive_count(t)
            return words

        rate = c.cpu_rate(once, seconds=args.seconds)
        ref = c.cpu_rate(reference, seconds=args.seconds)
        figures.append(c.Figure("wordcount", label, rate / 1e6, "M字/s", TARGET_M_WORDS_PER_S))
        figures.append(c.Figure("wordcount", f"{label}: naive regex", ref / 1e6, "M字/s"))
        figures.append(c.Figure("wordcount", f"{label}: baosong ÷ naive regex", rate / ref, "x", RATIO_TARGET[key]))
        print(f"{label}: {len(texts)} texts, {words / len(texts):,.0f} 字 ({naive / len(texts):,.0f} by the naive "
              f"regex) and {chars / len(texts):,.0f} characters each, {1e3 * words / len(texts) / rate:.3f} ms per text")
    return c.report(figures, args.json)


if __name__ == "__main__":
    sys.exit(main())
