"""Search terms, stems and snippets."""

from concurrent.futures import ThreadPoolExecutor

from torget.archive.text import query_terms, snippet, stems, terms


def test_inflections_share_a_stem():
    assert stems("kommunen kommun kommunens") == ["kommun"]
    assert stems("bygglovet bygglov") == ["bygglov"]


def test_inflections_share_a_term_and_look_alikes_do_not():
    def shares(query: str, record: str) -> bool:
        return all(set(group) & set(terms(record)) for group in query_terms(query))

    for query, record in [
        ("förskola", "förskolan"),
        ("barn", "barnet"),
        ("bok", "böckerna"),
        ("cykelbana", "cykelbanan"),
        ("gå", "gick"),
        ("barnehage", "barnehagene"),
    ]:
        assert shares(query, record) and shares(record, query), (query, record)
    for query, record in [("bok", "bokning"), ("väg", "vägg"), ("mat", "matta"), ("ord", "order")]:
        assert not shares(query, record) and not shares(record, query), (query, record)


def test_terms_are_the_same_from_many_threads():
    texts = [f"Förskolorna i kommunen stänger {i} bygglovet böckerna" for i in range(2000)]
    expected = [terms(t) for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(terms, texts)) == expected
        assert list(pool.map(stems, texts)) == [stems(t) for t in texts]


def test_snippet_marks_hits_and_escapes():
    html = snippet("<b>Kommunen</b> har nya bygglov & regler", {"bygglov"})
    assert "<mark>bygglov</mark>" in html and "&lt;b&gt;" in html and "&amp;" in html
    assert "<mark>Förskolan</mark>" in snippet("Förskolan stänger", {"förskola"})
