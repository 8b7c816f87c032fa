"""The closed loop on unhappy answers: the follow-up record beside each follow-up task
(outcome, root cause, first close), the recovery question, and the editable root causes."""
