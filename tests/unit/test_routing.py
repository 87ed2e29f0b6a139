from civic311.catalog.routing import choose_department


def test_a_ward_rule_wins_over_the_any_ward_rule():
    rules = [(None, 1), (42, 2)]
    assert choose_department(rules, 42, default=9) == 2
    assert choose_department(rules, 44, default=9) == 1


def test_without_rules_the_service_department_owns_it():
    assert choose_department([], 42, default=9) == 9
    assert choose_department([(42, 2)], None, default=9) == 9
