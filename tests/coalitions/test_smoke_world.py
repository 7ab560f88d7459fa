from coalitions.access import coalition_access


def test_world_gives_each_person_the_role_named(world):
    roles = {name: coalition_access(world.user(name), world.coalition) for name in ("lead", "member_staff", "org_admin", "observer", "outsider", "other_lead")}
    assert roles["lead"].role == "lead"
    assert roles["member_staff"].role == "member"
    assert roles["org_admin"].is_admin_of(world.member_org.pk)
    assert not roles["member_staff"].is_admin_of(world.member_org.pk)
    assert roles["observer"].role == "observer"
    assert roles["outsider"] is None and roles["other_lead"] is None
