from pipeline.core.normalize import apply_edits
from pipeline.core.textmap import Edit, SourceMap


def test_identity_map_is_identity() -> None:
    m = SourceMap.identity(5)
    assert m.is_identity
    assert m.span(1, 4) == (1, 4)
    assert m.span(5, 5) == (5, 5)


def test_composed_maps_point_back_to_the_source() -> None:
    src = "a\r\nbb  c\u200bd"
    m = SourceMap.identity(len(src))
    t1, m1 = m.apply(src, [Edit(1, 3, "\n")])  # CRLF -> LF
    assert t1 == "a\nbb  c\u200bd"
    t2, m2 = m1.apply(t1, [Edit(4, 6, " "), Edit(7, 8, "")])  # collapse spaces, drop ZWSP
    assert t2 == "a\nbb c" + "d"
    # "d" comes from the last source character, "c" from index 7
    assert m2.span(6, 7) == (len(src) - 1, len(src))
    assert src[slice(*m2.span(5, 6))] == "c"
    # the replaced newline maps to the whole CR LF
    assert src[slice(*m2.span(1, 2))] == "\r\n"


def test_deletion_and_insertion() -> None:
    m = SourceMap.identity(6)
    t, m2 = m.apply("abcdef", [Edit(0, 2, ""), Edit(4, 4, "XY")])
    assert t == "cdXYef"
    assert m2.span(0, 2) == (2, 4)
    assert m2.span(2, 4) == (4, 4)
    assert m2.span(4, 6) == (4, 6)


def test_apply_edits_helper() -> None:
    assert apply_edits("hello world", [Edit(5, 6, "_")]) == "hello_world"


def test_overlapping_edits_are_rejected() -> None:
    m = SourceMap.identity(4)
    try:
        m.apply("abcd", [Edit(0, 2, "x"), Edit(1, 3, "y")])
    except ValueError:
        return
    raise AssertionError("overlap accepted")
