"""The words of the standard questions, in every language the product speaks: the main
question of NPS, CSAT and CES, its scale's end labels, and the reason question."""

from __future__ import annotations

from centricity.kit.i18n import noop

MAIN_QUESTION = {
    "nps": noop("How likely are you to recommend us to a friend or colleague?"),
    "csat": noop("How satisfied are you with our service?"),
    "ces": noop("How much effort did it take you to get what you needed from us?"),
}
# The meaning of the lowest and the highest score (CES: a high score is high effort).
SCALE_ENDS = {
    "nps": (noop("Not at all likely"), noop("Extremely likely")),
    "csat": (noop("Very dissatisfied"), noop("Very satisfied")),
    "ces": (noop("Very little effort"), noop("Very much effort")),
}
REASON_QUESTION = noop("What is the main reason for your score?")
