"""The public engagement priorities a proposal is judged against (Public Engagement Strategy)."""

ENGAGEMENT_PRIORITIES = [
    (
        "Reaching people who are less engaged",
        "People and communities who seldom take part in the Parliament's work.",
    ),
    (
        "Young people",
        "Children and young people, and the organisations that work with them.",
    ),
    (
        "Participation in committee scrutiny",
        "Widening who gives evidence to committees and takes part in consultations.",
    ),
    (
        "Understanding how the Parliament works",
        "Education and learning about the Parliament, its Members and its business.",
    ),
    (
        "Engagement across all of Scotland",
        "Reaching people in every region, not only near Holyrood.",
    ),
    (
        "Visiting the Parliament",
        "Marketing the Parliament as a place to visit, its events and exhibitions.",
    ),
    (
        "Accessibility and inclusion",
        "Content and channels that work for disabled people and speakers of other languages.",
    ),
]
