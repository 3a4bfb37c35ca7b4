from yoi_welfare.domain.estate import DEFAULT_HOLDS, Holds, outside

YOI = DEFAULT_HOLDS["YOI"]


def test_a_yoi_holds_boys_of_15_to_17():
    assert YOI.describe() == "boys aged 15 to 17"
    assert outside(YOI, "MALE", 15) == []
    assert outside(YOI, "MALE", 17) == []


def test_a_12_year_old_girl_is_outside_a_yoi_twice_over():
    assert outside(YOI, "FEMALE", 12) == ["a girl", "aged 12"]


def test_an_18_year_old_is_outside_every_default():
    assert all(outside(holds, "MALE", 18) == ["aged 18"] for holds in DEFAULT_HOLDS.values())


def test_a_secure_childrens_home_holds_the_youngest():
    assert DEFAULT_HOLDS["SCH"].describe() == "girls and boys aged 10 to 17"
    assert outside(DEFAULT_HOLDS["SCH"], "FEMALE", 10) == []


def test_a_child_whose_sex_is_not_known_fits_only_where_both_are_held():
    assert outside(YOI, "NOT_KNOWN", 16) == ["of a sex not recorded"]
    assert outside(Holds(boys=True, girls=True, youngest=12, oldest=17), "NOT_KNOWN", 16) == []
