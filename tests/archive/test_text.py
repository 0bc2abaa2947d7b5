"""Swedish stems and snippets."""

from concurrent.futures import ThreadPoolExecutor

from torget.archive.text import snippet, stems


def test_inflections_share_a_stem():
    assert stems("kommunen kommun kommunens") == ["kommun"]
    assert stems("bygglovet bygglov") == ["bygglov"]


def test_stems_are_the_same_from_many_threads():
    texts = [f"Förskolorna i kommunen stänger {i} bygglovet" for i in range(2000)]
    expected = [stems(t) for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(stems, texts)) == expected


def test_snippet_marks_hits_and_escapes():
    html = snippet("<b>Kommunen</b> har nya bygglov & regler", {"bygglov"})
    assert "<mark>bygglov</mark>" in html and "&lt;b&gt;" in html and "&amp;" in html
