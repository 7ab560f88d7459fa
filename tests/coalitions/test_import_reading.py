"""Reading a spreadsheet saved as CSV, whatever the program, language or encoding that saved it."""

import pytest

from coalitions.imports import MAX_FILE_BYTES, Column, ImportFileError, normalise, read_table

COLUMNS = (
    Column("name", "Name", ("nom", "nombre", "নাম"), required=True),
    Column("region", "Region", ("région", "región", "অঞ্চল")),
    Column("notes", "Notes", ("remarques",)),
)


def test_it_reads_utf8_with_and_without_byte_order_mark():
    for data in (b"Name,Region\nCFTUI,Tamil Nadu\n", "\ufeffName,Region\nCFTUI,Tamil Nadu\n".encode()):
        table = read_table(data, COLUMNS)
        assert table.rows == [{"_row": 2, "name": "CFTUI", "region": "Tamil Nadu"}]


def test_it_reads_excel_unicode_text_in_utf16_with_tabs():
    data = "Nom\tRégion\nMinistère de la santé publique et de la lutte contre le Sida\tBujumbura\n".encode("utf-16")
    table = read_table(data, COLUMNS)
    assert table.rows[0]["name"] == "Ministère de la santé publique et de la lutte contre le Sida"
    assert table.rows[0]["region"] == "Bujumbura"


def test_it_falls_back_to_windows_1252_and_reads_semicolons():
    data = "Nom;Région;Remarques\nMinistère de la Fonction publique;Gitega;«urgent», voir 2026\n".encode("cp1252")
    table = read_table(data, COLUMNS)
    assert table.rows == [
        {"_row": 2, "name": "Ministère de la Fonction publique", "region": "Gitega", "notes": "«urgent», voir 2026"}
    ]


def test_headers_match_whatever_the_case_accents_or_language():
    assert read_table(b"  NOMBRE ;REGION\nX;Y\n", COLUMNS).rows[0] == {"_row": 2, "name": "X", "region": "Y"}
    assert read_table("নাম,অঞ্চল\nশ্রম মন্ত্রণালয়,ঢাকা\n".encode(), COLUMNS).rows[0]["region"] == "ঢাকা"
    assert normalise("Région") == normalise("REGION") == "region"
    # Bengali vowel signs are letters, not accents to drop.
    assert normalise("নাম") != normalise("নম")


def test_unknown_columns_are_left_out_and_named():
    table = read_table(b"Name,Budget code\nNDWM,42\n", COLUMNS)
    assert table.rows == [{"_row": 2, "name": "NDWM"}]
    assert table.unused_columns == ["Budget code"]


def test_formulas_are_only_text():
    table = read_table(b'Name,Notes\n=HYPERLINK("http://evil.example"),\'=1+2\n', COLUMNS)
    assert table.rows[0]["name"] == '=HYPERLINK("http://evil.example")'
    # Our own export's apostrophe before a formula character is taken off again.
    assert table.rows[0]["notes"] == "=1+2"


def test_row_numbers_are_those_of_the_spreadsheet_even_with_blank_and_multiline_rows():
    table = read_table(b'Name,Notes\nA,"two\nlines"\n,\nB,x\n', COLUMNS)
    assert [row["_row"] for row in table.rows] == [2, 4]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"Region\nDelhi\n", "“Name”"),
        (b"Name,Nom\nA,B\n", "Two columns"),
        (b"Name\n", "no rows"),
        (b"PK\x03\x04rest-of-a-workbook", "Excel workbook"),
        (b"a" * (MAX_FILE_BYTES + 1), "larger than"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_clear_message(data, message):
    with pytest.raises(ImportFileError) as refused:
        read_table(data, COLUMNS)
    assert message in refused.value.message


def test_too_many_rows_are_refused(settings, monkeypatch):
    monkeypatch.setattr("coalitions.imports.MAX_ROWS", 3)
    with pytest.raises(ImportFileError, match="more than 3 rows"):
        read_table(b"Name\n1\n2\n3\n4\n", COLUMNS)
