"""The verifying side of the no-certificate city (无证明城市).

stores.py    the tables and the cached trust (issuer keys, status lists) it works on
venues.py    registering venues; what each may ask (domain/venues.py)
requests.py  cross-device verification: request, QR, wallet view, presentation, result
activity.py  the citizen's activity log (read side; entries are written by the
             transactions that record what they log)
"""
