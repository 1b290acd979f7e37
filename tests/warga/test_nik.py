"""NIK and KK numbers: structure, Excel's lost digits, masking, and demo numbers that can never be real."""

import datetime as dt

import pytest

from dusun.warga import nik


def test_mask_keeps_four_digits_each_side():
    assert nik.mask("1508141708850001") == "1508********0001"
    assert nik.mask("") == ""


@pytest.mark.parametrize(
    ("raw", "expected_digits", "problem_word"),
    [
        ("1508141708850001", "1508141708850001", None),
        (" 1508 1417 0885 0001 ", "1508141708850001", None),
        ("'1508141708850001", "1508141708850001", None),
        ("1.50801E+15", None, "notasi ilmiah"),
        ("1,50814E+15", None, "notasi ilmiah"),
        (1508141708850000, None, "Excel"),
        (1.50814170885e15, None, "Excel"),
        ("150814170885001", None, "15 angka"),
        ("15081417088500A1", None, "angka"),
        ("1508141708850000", None, "0000"),
    ],
)
def test_normalise_number(raw, expected_digits, problem_word):
    digits, problem = nik.normalise_number(raw)
    assert digits == expected_digits
    if problem_word:
        assert problem_word in problem
    else:
        assert problem is None


def test_decode_birth_date_and_sex():
    man = nik.NikChecker.decode("1508141708850001", today=dt.date(2026, 1, 1))
    woman = nik.NikChecker.decode("1508145708850001", today=dt.date(2026, 1, 1))
    assert man.birth_date == dt.date(1985, 8, 17) and not man.female and not man.demo
    assert woman.birth_date == dt.date(1985, 8, 17) and woman.female
    assert nik.NikChecker.decode("1508141708150001", today=dt.date(2026, 1, 1)).birth_date.year == 2015
    assert "bulan" in nik.NikChecker.decode("1508141713850001")
    assert "tanggal" in nik.NikChecker.decode("1508143508850001")
    assert "bukan tanggal yang ada" in nik.NikChecker.decode("1508143102850001")  # 31 February


@pytest.mark.django_db
def test_region_prefix(reference_data):
    checker = nik.NikChecker()
    assert checker.region_problem("1508141708850001") is None  # Bathin III Ulu
    assert "kecamatan" in checker.region_problem("1508991708850001")  # Bungo has no kecamatan 99
    assert "Jambi" in checker.region_problem("1550011708850001")  # Jambi has no kabupaten 50
    assert "provinsi" in checker.region_problem("9908011708850001")
    assert checker.region_problem("3310051708850001") is None  # Klaten, Jawa Tengah (migrant)
    assert "00" in checker.region_problem("3300051708850001")


def test_demo_numbers_have_an_impossible_month_and_decode_back():
    born = dt.date(1990, 3, 9)
    number = nik.demo_number("150814", born, True, 12)
    assert len(number) == 16 and number.isdigit()
    assert 21 <= int(number[8:10]) <= 32  # no real NIK has a month above 12
    assert nik.is_demo_number(number)
    decoded = nik.NikChecker.decode(number)
    assert decoded.demo and decoded.female and decoded.birth_date == born
    assert not nik.is_demo_number("1508140903900012")
