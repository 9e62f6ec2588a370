from django.apps import AppConfig


def _person_left(sender, person, actor=None, **kwargs):
    from proposals.services import leaver_left_proposals

    leaver_left_proposals(person=person, actor=actor)


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = "Proposals"

    def ready(self):
        from people.signals import leaving_approvals

        # A leaver's approvals in principle move to whoever approves now, and the proposals
        # they made or are named on to whoever carries them on (services).
        leaving_approvals.connect(_person_left, dispatch_uid="proposals-person-left")
