"""Fund-raising consultations: members read, the secretariat records (model in
``meetings/models/financing.py``)."""
