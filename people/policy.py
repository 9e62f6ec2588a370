"""The numbers the social media policy sets, each defined once and read everywhere: models,
services, jobs, emails and (through the `policy` template variable) templates.

Three more are in settings, because a deployment may change them from the environment:
`WORKFLOW_TARGET_DAYS` (how long an item may wait in each state before its holder is reminded),
`DORMANT_AFTER_MONTHS` (no review and no figures for this long: dormant) and
`RECERTIFICATION_GRACE_DAYS` (a recertification overdue this long marks the account as not
recertified, a candidate for closure)."""

from django.db import models

# A team needs cover: a proposal names at least this many people, and an account goes live only
# when at least this many of its team hold current training.
MIN_TEAM = 2
MIN_TRAINED_TEAM = MIN_TEAM

# Why the existing corporate channels cannot reach the audience must be argued, not asserted.
MIN_WORDS_WHY_NOT_EXISTING = 30

# Reviews: the first falls this long after going live; a team has this long to submit one.
FIRST_REVIEW_AFTER_MONTHS = 3
DAYS_TO_SUBMIT_REVIEW = 14


class ReviewFrequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    SIX_MONTHLY = "six_monthly", "Every six months"
    YEARLY = "yearly", "Yearly"


REVIEW_FREQUENCY_MONTHS = {
    ReviewFrequency.MONTHLY: 1,
    ReviewFrequency.QUARTERLY: 3,
    ReviewFrequency.SIX_MONTHLY: 6,
    ReviewFrequency.YEARLY: 12,
}

# Closing an account: followers are told this many days before the closing date.
CLOSURE_NOTICE_DAYS = {"four_weeks": 28, "two_weeks": 14, "two_days": 2}

# Reviews are chased: the team this many days before one is due, and the office head once it
# has been overdue this many days.
REVIEW_REMINDER_DAYS_BEFORE = 7
REVIEW_OVERDUE_TELLS_HEAD_AFTER_DAYS = 7

# Training that expires within this many days is flagged and its holder reminded.
TRAINING_EXPIRY_WARNING_DAYS = 30

# Yearly recertification: each live account's owner confirms, once every this many months, that
# it is still run as the policy requires. It falls due on the anniversary of going live (an
# account registered from the inventory, with no go-live date, gets a day spread across the year
# from its registration), opens this many days before it is due, and is first due at least that
# far ahead, so that every owner has the whole window.
RECERTIFICATION_INTERVAL_MONTHS = 12
RECERTIFICATION_OPENS_DAYS_BEFORE = 28

# Recertifications are chased: the owner this many days before one is due and once it is overdue;
# the office head once it has been overdue this many days.
RECERTIFICATION_REMINDER_DAYS_BEFORE = 7
RECERTIFICATION_OVERDUE_TELLS_HEAD_AFTER_DAYS = 14
