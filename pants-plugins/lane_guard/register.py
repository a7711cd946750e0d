from lane_guard import rules as lane_rules


def rules():
    return lane_rules.rules()
