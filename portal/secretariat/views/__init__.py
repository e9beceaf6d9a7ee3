"""Pages of the secretariat, one module per subject; every page checks its permission
(`common.secretariat_only`) and calls one service.

`members.py` members and invitations; `organisations.py` organisations and member
countries; `rounds.py` reporting rounds and completeness; `round_indicators.py` a round's
indicators after opening; `indicators.py` indicator targets and area codes; `activities.py`
an activity's status; `programme.py` bienniums, objectives, activities; `synthesis.py` the
synthesis of the country data sheets and the status by institution.
"""
