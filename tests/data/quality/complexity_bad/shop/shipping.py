"""Shipping costs as one long decision chain (fixture for the complexity check)."""


def shipping_cost(zone: str, weight: float, express: bool, member: bool) -> float:
    cost = 0.0
    if zone == "domestic":
        cost = 4.0
    elif zone == "eu":
        cost = 8.0
    elif zone == "uk":
        cost = 9.0
    elif zone == "us":
        cost = 12.0
    elif zone == "asia":
        cost = 15.0
    else:
        cost = 20.0
    if weight > 1:
        cost += 2
    if weight > 5:
        cost += 5
    if weight > 20:
        cost += 15
    if express and member:
        cost *= 1.2
    elif express:
        cost *= 1.5
    if member and weight < 1:
        cost = 0.0
    return cost
