"""The numbers the social media policy sets, each defined once and read everywhere: models,
services, jobs, emails and (through the `policy` template variable) templates.

Two more are in settings, because a deployment may change them from the environment:
`WORKFLOW_TARGET_DAYS` (how long an item may wait in each state before its holder is reminded)
and `DORMANT_AFTER_MONTHS` (no review and no figures for this long: dormant)."""

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
