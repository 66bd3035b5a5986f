"""Fills the upgrade test's database with the release's own generator (run by tests/upgrade/run.py
with an addons path holding the *release's* addons, never the working tree's).

    python3 tests/upgrade/fill.py -c CONF -d DB --people 5000 --seed 7

The release's ``sp.demo.generator.generate()`` writes the registry (households, people, poverty
history) and runs its stages for the installed modules: collaborators and caseloads, enrolments
with decisions, three paid months (cycles, lines, agency results), tickets. The generator writes
no collaborator visits, so this script logs some through the release's ORM (a few rejected) and
computes and confirms last month's collaborator allowances. Prints one JSON line of figures.
"""
# A command line prints its figures and commits its work.
# pylint: disable=print-used,invalid-commit
import argparse
import datetime
import json
import sys
import time


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    import odoo  # noqa: PLC0415 - the release's addons path is set by the configuration
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(["-c", args.config, "-d", args.database], setup_logging=True)
    registry = odoo.modules.registry.Registry(args.database)
    # The release's ticket stage gives a ticket to one household in 150: one in 15 here, so that
    # tickets in every state (new, acknowledged, resolved) are in the database upgraded.
    from odoo.addons.sp_demo.tools import stages  # noqa: PLC0415

    stages.HOUSEHOLDS_PER_TICKET = 15
    started = time.perf_counter()
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        stats = env["sp.demo.generator"].generate(people=args.people, seed=args.seed, commit=True)
        figures = {
            "households": stats["households"], "people": stats["people"],
            "stages": {name: {k: v for k, v in values.items() if not isinstance(v, dict)}
                       for name, values in (stats.get("stages") or {}).items()},
        }
        if "sp.collaborator.activity" in env:
            figures["visits"] = _visits(env)
        cr.commit()
    figures["seconds"] = round(time.perf_counter() - started, 1)
    print("FILL " + json.dumps(figures, default=str), flush=True)
    return 0


def _visits(env):
    """Visits of last month for one assigned household in three (one in ten rejected), then last
    month's allowances computed and those of every other collaborator confirmed."""
    Assignment = env["sp.collaborator.assignment"]
    today = datetime.date.today()
    month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    assignments = Assignment.search([], order="id")
    kinds = ["home_visit", "counselling", "application_help"]
    topics = ["nutrition", "health_check", "school", "benefits_use", "application_help"]
    vals = []
    for index, assignment in enumerate(assignments):
        if index % 3:
            continue
        for visit in range(1 + index % 2):
            vals.append({
                "collaborator_id": assignment.collaborator_id.id,
                "household_id": assignment.household_id.id,
                "kind": kinds[(index + visit) % 3],
                "topic": topics[(index + visit) % 5],
                "date": month + datetime.timedelta(days=(index * 7 + visit * 3) % 27),
                "outcome": "Visit %s of household %s" % (visit + 1, assignment.household_id.id),
                "follow_up_date": month + datetime.timedelta(days=40) if index % 4 == 0 else False,
            })
    Activity = env["sp.collaborator.activity"]
    activities = Activity.create(vals)
    rejected = activities.filtered(lambda a: a.id % 10 == 0)
    if rejected:
        rejected.action_reject()
    figures = {"visits": len(activities), "rejected": len(rejected)}
    if "sp.collaborator.allowance" in env:
        Allowance = env["sp.collaborator.allowance"]
        Term = env["sp.collaborator.allowance.term"]
        collaborators = activities.collaborator_id
        # Office terms (base 500,000 VND, 50,000 per visit, capped at 1,500,000) where none exist.
        offices = collaborators.company_id - Term.search([]).company_id
        Term.create([{"company_id": office.id, "date_from": month.replace(month=1),
                      "monthly_base": 500000, "per_visit_amount": 50000, "cap_amount": 1500000,
                      "legal_source": "Upgrade test"} for office in offices])
        Allowance._sp_compute(month, collaborators)
        allowances = Allowance.search([("period", "=", month)], order="id")
        confirmed = allowances.filtered(lambda a: a.id % 2 == 0)
        if confirmed:
            confirmed.action_confirm()
        figures.update(allowances=len(allowances), allowances_confirmed=len(confirmed))
    return figures


if __name__ == "__main__":
    sys.exit(main())
