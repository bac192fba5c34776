"""Word-compatible 字数: the 39 test vectors of the project's word-count note (§6), plus switches."""

from __future__ import annotations

import pytest

from baosong.intake.wordcount import CountOptions, Counts, count, is_always_non_asian, word_count

# (id, input, 字数, 字符数(不计空格), 字符数(计空格)) with the default options.
# Special characters are written as escapes: U+3000 ideographic space, \t tab, \v manual line break
# (w:br), \n paragraph mark, “ ” ‘ ’ — … (U1 ambiguous punctuation).
VECTORS = [
    ("V01", "中文测试", 4, 4, 4),
    ("V02", "你好，世界！", 6, 6, 6),
    ("V03", "Hello World", 2, 10, 11),
    ("V04", "Hello 世界", 3, 7, 8),
    ("V05", "2026年", 2, 5, 5),
    ("V06", "2021年4月10日", 6, 10, 10),
    ("V07", "東京2024オリンピック", 9, 12, 12),
    ("V08", "增长3.5%", 3, 6, 6),
    ("V09", "GDP增长", 3, 5, 5),
    ("V10", "这是GDP和CPI。", 6, 10, 10),
    ("V11", "你好,世界", 5, 5, 5),
    ("V12", "ありがとう!!", 6, 7, 7),
    ("V13", "私はappleを買った", 7, 11, 11),
    ("V14", "ＡＢＣ１２３", 6, 6, 6),
    ("V15", "Hello、World。", 4, 12, 12),
    ("V16", "\u2460\u2461\u2462\u2463\u2464", 1, 5, 5),  # ①②③④⑤
    ("V17", "Ça va ?", 3, 5, 7),
    ("V18", "123.456", 1, 7, 7),
    ("V19", "peer-to-peer", 1, 12, 12),
    ("V20", "June 30, 2003", 3, 11, 13),
    ("V21", "06/30/2003", 1, 10, 10),
    ("V22", "Hello \u201c世界\u201d", 5, 9, 10),
    ("V23", "Let's say \u2018你好\u2019 100 times per day, 勤勉", 12, 29, 36),
    ("V24", "第一段。\n第二段。", 8, 8, 8),
    ("V25", "（一）加强组织领导", 9, 9, 9),
    ("V26", "二〇二六年", 5, 5, 5),
    ("V27", "COVID-19疫情", 3, 10, 10),
    ("V28", "1,000万元", 3, 7, 7),
    ("V29", "e-mail: abc@gov.cn", 2, 17, 18),
    ("V30", "\U0001f44d\U0001f44e\U0001f44f", 1, 3, 3),  # 👍👎👏
    ("V31", "", 0, 0, 0),
    ("V32", "Hello  World", 2, 10, 12),
    ("V33", "\u201c十四五\u201d规划", 7, 7, 7),
    ("V34", "他说：\u201c我们要坚持\u2014\u2014不懈怠\u2026\u2026\u201d", 17, 17, 17),  # U1
    ("V35", "\u201c5G\u201d基站", 5, 6, 6),  # U1
    ("V36", "\u3000\u3000你好", 2, 2, 4),  # U2
    ("V37", "姓名\t张三", 4, 4, 5),  # U3
    ("V38", "温度25℃", 3, 5, 5),  # U5
    ("V39", "张三\v李四", 4, 4, 4),  # U4
]


def test_table_is_complete():
    assert [v[0] for v in VECTORS] == [f"V{i:02d}" for i in range(1, 40)]


@pytest.mark.parametrize(("vid", "text", "words", "no_spaces", "with_spaces"), VECTORS,
                         ids=[v[0] for v in VECTORS])
def test_vector_defaults(vid, text, words, no_spaces, with_spaces):
    c = count(text)
    assert (c.words, c.chars_no_spaces, c.chars_with_spaces) == (words, no_spaces, with_spaces)
    assert c.words == c.asian + c.non_asian_words
    assert word_count(text) == words


# Expectations the note gives for the other setting of a switch.
FLIPPED = [
    ("V34", "他说：\u201c我们要坚持\u2014\u2014不懈怠\u2026\u2026\u201d", CountOptions(ambiguous_as_asian=False), 14, 17, 17),
    ("V35", "\u201c5G\u201d基站", CountOptions(ambiguous_as_asian=False), 3, 6, 6),
    ("V33", "\u201c十四五\u201d规划", CountOptions(ambiguous_as_asian=False), 7, 7, 7),
    ("V36", "\u3000\u3000你好", CountOptions(ideo_space_is_space=False), 4, 4, 4),
    ("V39", "张三\v李四", CountOptions(count_line_breaks=True), 4, 4, 5),
]


@pytest.mark.parametrize(("vid", "text", "options", "words", "no_spaces", "with_spaces"), FLIPPED,
                         ids=[f[0] for f in FLIPPED])
def test_vector_switched(vid, text, options, words, no_spaces, with_spaces):
    c = count(text, options)
    assert (c.words, c.chars_no_spaces, c.chars_with_spaces) == (words, no_spaces, with_spaces)


def test_breakdown_asian_and_non_asian():
    assert count("东京2024オリンピック") == Counts(words=9, chars_no_spaces=12, chars_with_spaces=12,
                                               asian=8, non_asian_words=1)
    assert count("Let's say \u2018你好\u2019 100 times per day, 勤勉").asian == 6


def test_enclosed_numbers_and_emoji_are_one_non_asian_run():
    # ①..⑤ (Enclosed Alphanumerics) and emoji are outside the East-Asian ranges: one run each.
    assert count("\u2460\u2461\u2462").asian == 0
    assert count("\u2460\u2461\u2462").non_asian_words == 1
    assert word_count("第\u2460条") == 3


def test_ignored_characters_neither_count_nor_split():
    assert count("\ufeffab\u200bcd\ufe0f") == Counts(1, 4, 4, 0, 1)
    assert count("\u200b") == Counts(0, 0, 0, 0, 0)


def test_breaks_end_runs_but_are_not_characters():
    for brk in "\n\r\v\f\u2028\u2029\x85":
        c = count(f"abc{brk}def")
        assert (c.words, c.chars_no_spaces, c.chars_with_spaces) == (2, 6, 6), repr(brk)
    assert count("a\u2028b", CountOptions(count_line_breaks=True)).chars_with_spaces == 3
    assert count("a\nb", CountOptions(count_line_breaks=True)).chars_with_spaces == 2


def test_other_spaces():
    for space in "\u00a0\u2002\u2009\u202f\u205f\u1680":
        assert count(f"a{space}b") == Counts(2, 2, 3, 0, 2), repr(space)


def test_supplementary_ideographs_count_one_each():
    assert count("\U00020000\U0002a6d6") == Counts(2, 2, 2, 2, 0)


def test_indented_paragraphs_u2():
    text = "\u3000\u3000第一段。\n\u3000\u3000第二段。"
    assert word_count(text) == 8
    assert word_count(text, CountOptions(ideo_space_is_space=False)) == 12


def test_is_always_non_asian():
    assert is_always_non_asian("\uf0b7")
    assert is_always_non_asian("A")
    for ch in ("中", "\u201c", "\u3000", " ", "\n", "\ufeff", "ab", ""):
        assert not is_always_non_asian(ch), repr(ch)


def test_a_typical_piece_counts_as_word_does():
    """2,000 字 of a typical piece (its speed is a benchmark: bench/bench_wordcount.py, as a ratio)."""
    piece = ("\u3000\u3000今年以来，滕州市商务局坚持\u201c稳外贸、扩内需\u201d工作主线，"
             "2026年1-3月全市实现进出口总额35.6亿元，同比增长12.5%。\n") * 40
    assert word_count(piece) == 2000
