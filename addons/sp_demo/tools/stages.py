"""Demo data of modules installed on top of the registry, generated when they are present.

Each stage works on the households that have none of its data yet (so running it twice adds
nothing), is seeded, and writes the way the module itself would: records with their own
business rules (collaborators, tickets: a few per thousand households) through the ORM, the
many rows (caseload assignments, enrolments and decisions) with INSERT ... SELECT, payment
history through the payment module's own set-based steps (generation, result import).
Draws made in SQL are keyed on the household code and the person's rank in the household, not
on database ids: the same seed gives the same rows in any database.

Stage = ``(name, model that must exist, function(generator, seed) -> figures)``.
"""
import base64
import datetime
import io
import random
import zlib

from odoo import fields
from odoo.tools import SQL

from .names import STYLES, Pick

# One village collaborator for about this many registry households of a commune.
HOUSEHOLDS_PER_COLLABORATOR = 300
# One ticket for about this many households.
HOUSEHOLDS_PER_TICKET = 150
QUIET = {"tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True,
         "mail_notrack": True}
MOBILE = ("032", "033", "035", "038", "039", "086", "088", "091", "094", "096", "097", "098")


def _randint(rng, low, high):
    return low + int(rng.random() * (high - low + 1))


def _phone(rng):
    return "%s%07d" % (MOBILE[int(rng.random() * len(MOBILE))], _randint(rng, 0, 9999999))


# ---------------------------------------------------------------------------- collaborators
def collaborators(generator, seed):
    """Village collaborators for the communes with registry households, and every household
    without a collaborator in the caseload of one of its commune's new collaborators (in turn).
    The demo collaborator user (``demo.collaborator``) becomes the first one of their commune."""
    from ..models.sp_demo_generator import insert_select  # noqa: PLC0415 - circular import

    env = generator.env
    cr = env.cr
    env.flush_all()
    cr.execute("""
        SELECT h.commune_id, COUNT(*) FROM sp_household h
         WHERE h.active AND h.commune_id IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM sp_collaborator_assignment a WHERE a.household_id = h.id)
         GROUP BY h.commune_id ORDER BY h.commune_id
    """)
    todo = cr.fetchall()
    if not todo:
        return {}
    rng = random.Random("sp_demo:%s:collaborators" % seed)
    style = STYLES["kinh"]
    today = fields.Date.context_today(generator)
    Collaborator = env["sp.collaborator"].with_context(**QUIET)
    user = env["res.users"].search([("login", "=", "demo.collaborator")], limit=1)
    link = user if user and not Collaborator.search_count([("user_id", "=", user.id)]) else None
    vals_list = []
    for commune_id, count in todo:
        for _i in range(max(1, round(count / HOUSEHOLDS_PER_COLLABORATOR))):
            gender = "female" if rng.random() < 0.55 else "male"
            vals = {
                "name": style.name(rng, gender, style.family(rng)),
                "phone": _phone(rng),
                "area_id": commune_id,
                "date_start": datetime.date(today.year - _randint(rng, 1, 8),
                                            _randint(rng, 1, 12), 1),
            }
            if link and commune_id in link.sp_area_ids.ids:
                vals["user_id"], link = link.id, None
            vals_list.append(vals)
    new = Collaborator.create(vals_list)
    company = env["res.company"]._fields
    exclusive = SQL("co.sp_collaborator_one_per_household") \
        if "sp_collaborator_one_per_household" in company else SQL("FALSE")
    assigned = insert_select(
        env["sp.collaborator.assignment"],
        ("collaborator_id", "household_id", "area_id", "company_id", "date_from", "exclusive"),
        SQL("""
            WITH c AS (
                SELECT id, area_id AS commune_id, date_start,
                       ROW_NUMBER() OVER (PARTITION BY area_id ORDER BY id) - 1 AS k,
                       COUNT(*) OVER (PARTITION BY area_id) AS n
                  FROM sp_collaborator WHERE id = ANY(%(ids)s)
            ), h AS (
                SELECT h.id, h.commune_id, h.area_id, h.company_id,
                       ROW_NUMBER() OVER (PARTITION BY h.commune_id ORDER BY h.id) - 1 AS r
                  FROM sp_household h
                 WHERE h.active AND NOT EXISTS (
                       SELECT 1 FROM sp_collaborator_assignment a WHERE a.household_id = h.id)
            )
            SELECT c.id, h.id, h.area_id, h.company_id, c.date_start,
                   COALESCE(%(exclusive)s, FALSE)
              FROM h
              JOIN c ON c.commune_id = h.commune_id AND c.k = MOD(h.r, c.n)
              JOIN res_company co ON co.id = h.company_id
        """, ids=new.ids, exclusive=exclusive),
    )
    return {"collaborators": len(new), "assignments": len(assigned)}


# ---------------------------------------------------------------------------- tickets
CHANNEL = Pick([("hotline", 55), ("walk_in", 20), ("collaborator", 15), ("letter", 5),
                ("email", 3), ("other", 2)])
CATEGORY = Pick([("payment", 30), ("exclusion", 20), ("information", 18),
                 ("data_correction", 12), ("appeal", 6), ("service_quality", 6),
                 ("inclusion", 4), ("other", 4)])
SUBJECTS = {
    "payment": ["Chưa nhận được tiền trợ cấp tháng này", "Số tiền nhận được không đúng",
                "Điểm chi trả quá xa nhà", "Nhận tiền chậm so với lịch"],
    "exclusion": ["Gia đình khó khăn nhưng không có tên trong danh sách hộ nghèo",
                  "Mẹ tôi trên 80 tuổi chưa được hưởng trợ cấp",
                  "Con khuyết tật nặng chưa được xét trợ cấp"],
    "information": ["Hỏi thủ tục đăng ký trợ cấp xã hội", "Hỏi mức chuẩn trợ giúp xã hội mới",
                    "Hỏi điều kiện hộ cận nghèo"],
    "data_correction": ["Sai ngày sinh trong hồ sơ", "Sai số định danh cá nhân",
                        "Cần thêm thành viên mới sinh vào hộ"],
    "appeal": ["Khiếu nại quyết định thôi hưởng trợ cấp", "Khiếu nại kết quả rà soát hộ nghèo"],
    "service_quality": ["Cán bộ hướng dẫn không rõ ràng", "Phải chờ lâu khi đến làm thủ tục"],
    "inclusion": ["Phản ánh hộ khá giả vẫn có tên trong danh sách hộ nghèo"],
    "other": ["Đề nghị hỗ trợ sửa nhà", "Góp ý về việc tổ chức họp thôn bình xét"],
}
RESOLUTIONS = ["<p>Đã kiểm tra hồ sơ và giải thích cho người dân.</p>",
               "<p>Đã điều chỉnh thông tin theo giấy tờ người dân cung cấp.</p>",
               "<p>Đã chuyển bộ phận chi trả xử lý, người dân đã nhận đủ tiền.</p>"]


def tickets(generator, seed):
    """A ticket for about one household in 150 (the same ones for a seed), from every channel
    and category, received over the last four months; some acknowledged, some resolved."""
    env = generator.env
    cr = env.cr
    env.flush_all()
    cr.execute("""
        SELECT h.id, h.head_id, h.code FROM sp_household h
         WHERE h.active AND h.head_id IS NOT NULL AND h.code IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM sp_grievance g WHERE g.household_id = h.id)
         ORDER BY h.id
    """)
    # A household has a ticket when its code draws it: the same households whenever the stage
    # runs, so running it again adds nothing.
    chosen = [(hid, head) for hid, head, code in cr.fetchall()
              if zlib.crc32(("%s:%s" % (seed, code)).encode()) % HOUSEHOLDS_PER_TICKET == 0]
    if not chosen:
        return {}
    rng = random.Random("sp_demo:%s:tickets" % seed)
    categories = {c.code: c for c in env["sp.grievance.category"].search([])}
    now = fields.Datetime.now()
    vals_list = []
    for household_id, head_id in chosen:
        code = CATEGORY(rng)
        category = categories.get(code) or categories.get("other")
        subjects = SUBJECTS[code]
        vals = {
            "subject": subjects[int(rng.random() * len(subjects))],
            "channel": CHANNEL(rng),
            "household_id": household_id,
            "individual_id": head_id,
            "date_received": now - datetime.timedelta(minutes=_randint(rng, 30, 120 * 24 * 60)),
            "priority": "1" if rng.random() < 0.1 else "0",
        }
        if category:
            vals["category_id"] = category.id
        vals_list.append(vals)
    Ticket = env["sp.grievance"].with_context(**QUIET)
    created = Ticket.browse()
    for start in range(0, len(vals_list), 500):
        created |= Ticket.create(vals_list[start:start + 500])
    progress = {ticket.id: rng.random() for ticket in created}
    acknowledged = created.filtered(lambda t: progress[t.id] < 0.6)
    acknowledged.action_acknowledge()
    resolved = acknowledged.filtered(lambda t: progress[t.id] < 0.3)
    for ticket in resolved:
        ticket.resolution = RESOLUTIONS[int(rng.random() * len(RESOLUTIONS))]
    resolved.action_resolve()
    return {"tickets": len(created), "acknowledged": len(acknowledged),
            "resolved": len(resolved)}




# ---------------------------------------------------------------------------- enrolments
# Share of the people the registry shows eligible for a category who are enrolled in it. The
# registry cannot see what makes most Decree 20 groups (no source of nurture, HIV, no one to
# support them, no pension), so it finds far more candidates than the law pays: the shares
# bring each group to a believable size. Demo assumptions, documented in README.md.
CATEGORY_SHARES = {
    "K1": 0.004, "K2": 0.003, "K3": 0.003, "K4": 0.02, "K5a": 0.12, "K5b": 0.6, "K5c": 0.85,
    "K5d": 0.01, "K6": 0.75, "K7": 0.5, "K8": 0.004, "HT75": 0.6, "HT70": 0.7,
}
# Programmes enrolled, in this order: a person in one of them is not enrolled in a later one
# (the social pension and the allowance share an exclusivity group: one is paid).
ENROLMENT_PROGRAMMES = ("TCXH", "HTXH")
# Decisions go back up to this many months (and never before the person or the law qualified).
DECISION_MONTHS = 48


def _draw(key, seed):
    """SQL: a number in [0, 1) drawn from ``key`` (text) and the seed, the same every time."""
    return SQL("(ABS(MOD(hashtextextended(%s, %s), 1000000)) / 1000000.0)", key, seed)


def enrolments(generator, seed):
    """Active enrolments with their decisions for a believable share of the people the
    registry shows eligible (Decree 20 allowance, social pension), by category, set-based.

    Candidates come from the programme's own screening query (the same criteria as a
    screening), the shares of ``CATEGORY_SHARES`` pick who is enrolled (a draw on the person
    and the category: the same people every time, none twice), decisions are one per
    commune, programme and month going back up to four years, each enrolment entitled from
    its decision month. Monthly amounts come from the programme's entitlement computation."""
    from ..models.sp_demo_generator import insert_select  # noqa: PLC0415 - circular import

    env = generator.env
    cr = env.cr
    Category = env["sp.benefit.category"].sudo()
    programmes = env["sp.programme"].sudo().search([("code", "in", ENROLMENT_PROGRAMMES)])
    programmes = programmes.sorted(lambda p: ENROLMENT_PROGRAMMES.index(p.code))
    if not programmes:
        return {}
    env.flush_all()
    today = fields.Date.context_today(generator)
    month = today.replace(day=1)
    shares = SQL(", ").join(SQL("(%s, %s)", code, share)
                            for code, share in CATEGORY_SHARES.items())
    new_ids, decisions, done = [], [], []
    for programme in programmes:
        categories = programme.category_ids.filtered(lambda c: c.code in CATEGORY_SHARES)
        if not categories:
            continue
        eligible = Category._sp_eligible_query(categories, month, SQL("TRUE"))
        cr.execute(SQL("CREATE TEMP TABLE sp_demo_elig ON COMMIT DROP AS %s", eligible))
        Category._sp_drop_eligible()
        cr.execute("ANALYZE sp_demo_elig")
        earlier = SQL("NOT EXISTS (SELECT 1 FROM sp_enrolment x WHERE x.individual_id = "
                      "e.individual_id AND x.programme_id = ANY(%s) AND x.state IN %s)",
                      done or [0], ("draft", "verification", "posting", "approval", "active",
                                    "suspended"))
        # One row per person: the categories drawn, the months the decision may go back.
        cr.execute(SQL(
            """
            CREATE TEMP TABLE sp_demo_enrol ON COMMIT DROP AS
            WITH bands AS (
                SELECT category_id, MIN(COALESCE(age_min, 0)) AS age_min,
                       MIN(date_from) AS date_from,
                       BOOL_OR(COALESCE(disability_level, 'none') <> 'none') AS disability
                  FROM sp_benefit_band GROUP BY category_id
            ), drawn AS (
                SELECT e.individual_id, e.category_id, e.dependant_count, e.company_id,
                       e.area_id, h.code AS hcode, i.id - h.head_id AS rank,
                       LEAST(
                           (COALESCE(e.age, 0) - b.age_min) * 12,
                           %(ym)s - EXTRACT(YEAR FROM b.date_from)::int * 12
                               - EXTRACT(MONTH FROM b.date_from)::int,
                           CASE WHEN b.disability AND i.disability_certificate_date IS NOT NULL
                                THEN %(ym)s
                                     - EXTRACT(YEAR FROM i.disability_certificate_date)::int * 12
                                     - EXTRACT(MONTH FROM i.disability_certificate_date)::int
                                ELSE %(months)s END,
                           -- a single parent's child: born by then
                           CASE WHEN COALESCE(c.household_member_age_max, 0) > 0
                                THEN (SELECT %(ym)s - EXTRACT(YEAR FROM MAX(m.birthdate))::int * 12
                                             - EXTRACT(MONTH FROM MAX(m.birthdate))::int
                                        FROM sp_individual m
                                       WHERE m.household_id = i.household_id AND m.id <> i.id)
                                ELSE %(months)s END) AS allowed
                  FROM sp_demo_elig e
                  JOIN sp_individual i ON i.id = e.individual_id
                  JOIN sp_household h ON h.id = i.household_id AND h.code IS NOT NULL
                  JOIN sp_benefit_category c ON c.id = e.category_id
                  JOIN bands b ON b.category_id = c.id
                  JOIN (VALUES %(shares)s) s(code, share) ON s.code = c.code
                 WHERE %(draw)s < s.share AND %(earlier)s
            )
            SELECT d.individual_id, MAX(d.company_id) AS company_id, MAX(d.area_id) AS area_id,
                   MAX(d.hcode) AS hcode, MAX(d.rank) AS rank,
                   ARRAY_AGG(DISTINCT d.category_id) AS category_ids,
                   MAX(d.dependant_count) AS dependant_count,
                   GREATEST(0, LEAST(%(months)s, MAX(d.allowed))) AS allowed
              FROM drawn d
             GROUP BY d.individual_id
            """,
            ym=month.year * 12 + month.month, months=DECISION_MONTHS, shares=shares,
            # Who is enrolled depends on the person, not on the seed of a later run: people
            # left out stay out whatever seed runs the stage again.
            draw=_draw(SQL("h.code || ':' || (i.id - h.head_id) || ':' || c.code"), 0),
            earlier=earlier))
        cr.execute(SQL(
            """
            ALTER TABLE sp_demo_enrol ADD COLUMN dmonth date, ADD COLUMN commune_id int,
                                      ADD COLUMN province_id int
            """))
        cr.execute(SQL(
            """
            UPDATE sp_demo_enrol t
               SET dmonth = (%(month)s::date - make_interval(months => FLOOR(
                       (ABS(MOD(hashtextextended(t.hcode || ':' || t.rank || ':' || %(code)s,
                                                 %(seed)s), 1000000)) / 1000000.0)
                       * (t.allowed + 1))::int))::date,
                   commune_id = CASE WHEN a.level = 'village' THEN a.parent_id ELSE a.id END,
                   province_id = a.province_id
              FROM sp_area a WHERE a.id = t.area_id
            """, month=month, code=programme.code, seed=seed))
        cr.execute("ANALYZE sp_demo_enrol")
        # One decision per commune and month, dated between the 5th and the 25th (never later
        # than today).
        ids = insert_select(
            env["sp.decision"],
            ("name", "decision_date", "signer", "decision_type", "programme_id", "area_id",
             "company_id"),
            SQL(
                """
                SELECT (1 + ABS(MOD(hashtextextended(a.code || ':' || g.dmonth || ':n',
                                                     %(seed)s), 450)))::text || '/QĐ-UBND',
                       LEAST(%(today)s::date, g.dmonth + (4 + ABS(MOD(hashtextextended(
                           a.code || ':' || g.dmonth || ':d', %(seed)s), 21)))::int),
                       'Chủ tịch UBND ' || a.name, 'grant', %(programme)s, g.commune_id,
                       g.company_id
                  FROM (SELECT commune_id, dmonth, MAX(company_id) AS company_id
                          FROM sp_demo_enrol GROUP BY commune_id, dmonth) g
                  JOIN sp_area a ON a.id = g.commune_id
                 ORDER BY g.commune_id, g.dmonth
                """, seed=seed, today=today, programme=programme.id))
        decisions += ids
        Enrolment = env["sp.enrolment"]
        fields_in = ["programme_id", "individual_id", "area_id", "commune_id", "province_id",
                     "company_id", "state", "date_start", "application_date", "submitted_by_id",
                     "submitted_date", "popdb_status", "popdb_check_date", "verified_by_id",
                     "verified_date", "posting_date_start", "posting_date_end", "decision_id",
                     "dependant_count", "disability_level", "certificate_date"]
        if "payment_method" in Enrolment._fields:
            fields_in.append("payment_method")
        # Applied 10 to 40 days before the decision; checked, verified and posted in between.
        applied = SQL("(d.decision_date - (10 + ABS(MOD(hashtextextended("
                      "t.hcode || ':' || t.rank || ':a', %s), 31)))::int)", seed)
        # The oldest and the most disabled are often paid at home.
        at_home = SQL(", CASE WHEN %s < 0.3 AND (i.birth_year <= %s "
                      "OR i.disability_level = 'particularly_severe') THEN 'cash_home' END",
                      _draw(SQL("t.hcode || ':' || t.rank || ':home'"), seed), today.year - 80) \
            if "payment_method" in fields_in else SQL("")
        enrolment_ids = insert_select(Enrolment, fields_in, SQL(
            """
            SELECT %(programme)s, t.individual_id, t.area_id, t.commune_id, t.province_id,
                   t.company_id, 'active', d.decision_date - EXTRACT(DAY FROM d.decision_date)::int + 1,
                   %(applied)s, %(uid)s, %(applied)s, 'matched', %(applied)s + 2, %(uid)s,
                   %(applied)s + 5, %(applied)s + 5, LEAST(d.decision_date, %(applied)s + 12),
                   d.id, t.dependant_count, COALESCE(i.disability_level, 'none'),
                   i.disability_certificate_date %(at_home)s
              FROM sp_demo_enrol t
              JOIN sp_individual i ON i.id = t.individual_id
              JOIN sp_decision d ON d.id = ANY(%(decisions)s) AND d.area_id = t.commune_id
               AND d.decision_date >= t.dmonth
               AND d.decision_date < t.dmonth + INTERVAL '1 month'
             ORDER BY t.hcode, t.rank
            """, programme=programme.id, applied=applied, uid=env.uid, decisions=ids,
            at_home=at_home))
        cr.execute(SQL(
            """
            INSERT INTO sp_benefit_category_sp_enrolment_rel
                   (sp_enrolment_id, sp_benefit_category_id)
            SELECT e.id, UNNEST(t.category_ids)
              FROM sp_enrolment e JOIN sp_demo_enrol t ON t.individual_id = e.individual_id
             WHERE e.id = ANY(%(ids)s);
            INSERT INTO sp_decision_sp_enrolment_rel (decision_id, enrolment_id)
            SELECT decision_id, id FROM sp_enrolment WHERE id = ANY(%(ids)s);
            DROP TABLE sp_demo_elig, sp_demo_enrol;
            """, ids=enrolment_ids))
        new_ids += enrolment_ids
        done.append(programme.id)
    if not new_ids:
        return {}
    Enrolment = env["sp.enrolment"]
    Enrolment.invalidate_model()
    env["sp.decision"].invalidate_model()
    cr.execute("ANALYZE sp_enrolment")
    env["sp.entitlement"]._sp_refresh_monthly_amounts(Enrolment.browse(new_ids), month)
    cr.execute(SQL("""
        SELECT c.code, COUNT(*) FROM sp_benefit_category_sp_enrolment_rel r
          JOIN sp_benefit_category c ON c.id = r.sp_benefit_category_id
         WHERE r.sp_enrolment_id = ANY(%s) GROUP BY c.code ORDER BY c.code
    """, new_ids))
    return {"enrolments": len(new_ids), "decisions": len(decisions),
            "categories": dict(cr.fetchall())}


# ---------------------------------------------------------------------------- payments
# Past months paid, the oldest first; every month but the last is closed.
PAYMENT_MONTHS = 3
# Share of lines the agency reports not collected (carried forward to the next month).
UNPAID_SHARE = 0.04
RESULT_HEADER = ("Mã dòng chi trả", "Tổng số tiền", "Trạng thái", "Ngày nhận", "Số biên nhận")


def payments(generator, seed):
    """The payment history of the last months, through the payment module's own steps: per
    province office and month (oldest first) a cycle generated set-based (entitlements, lines,
    batches, carry-forward of last month's unpaid amounts), approved, and the agency's result
    file (CSV, most lines paid, some not collected) imported and reconciled; every month but
    the last is closed. Offices get a Vietnam Post contract when they have none. Months that
    already have a cycle are left as they are."""
    env = generator.env
    cr = env.cr
    agency = env["sp.payment.agency"].sudo().search([("code", "=", "VNPOST")], limit=1) or \
        env["sp.payment.agency"].sudo().search([], order="id", limit=1)
    if not agency:
        return {}
    env.flush_all()
    today = fields.Date.context_today(generator)
    current = today.replace(day=1)
    months = [_add_months(current, -k) for k in range(PAYMENT_MONTHS, 0, -1)]
    cr.execute(SQL("""
        SELECT DISTINCT e.company_id FROM sp_enrolment e
          JOIN res_company c ON c.id = e.company_id AND c.sp_area_id IS NOT NULL
         WHERE e.state = 'active' AND e.date_start <= %s ORDER BY e.company_id
    """, months[-1]))
    offices = env["res.company"].browse([row[0] for row in cr.fetchall()])
    Cycle = env["sp.payment.cycle"].sudo().with_context(**QUIET)
    figures = {"cycles": 0, "lines": 0, "paid": 0, "unpaid": 0, "carried_amount": 0,
               "batches": 0, "closed": 0}
    for office in offices:
        contract = _contract(env, office, agency, months[0])
        for period in months:
            if Cycle.search_count([("company_id", "=", office.id), ("period", "=", period)]):
                continue
            cycle = Cycle.create({"period": period, "company_id": office.id,
                                  "contract_id": contract.id})
            cycle._sp_compute_entitlements()
            cycle._sp_generate(compute=False)
            if not cycle.line_count:
                cycle.unlink()
                continue
            cycle.batch_ids.filtered(lambda b: b.state == "draft").write({"state": "approved"})
            cycle.write({"state": "approved", "approved_by": env.uid,
                         "approved_date": fields.Datetime.now()})
            result = _agency_result(env, cycle, agency, seed)
            result._sp_import()
            figures["cycles"] += 1
            figures["lines"] += cycle.line_count
            figures["paid"] += result.paid_count
            figures["unpaid"] += result.unpaid_count
            figures["carried_amount"] += int(cycle.carried_total)
            figures["batches"] += cycle.batch_count
            if period != months[-1] and not cycle._sp_closing_problems():
                cycle.batch_ids.write({"state": "closed"})
                cycle.state = "closed"
                figures["closed"] += 1
            env.flush_all()
    return figures if figures["cycles"] else {}


def _add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _contract(env, office, agency, since):
    """The office's contract in force with the agency (a province-wide one, created once)."""
    Contract = env["sp.payment.contract"].sudo().with_context(**QUIET)
    contract = Contract.search([("company_id", "=", office.id), ("agency_id", "=", agency.id),
                                ("date_start", "<=", since)], order="date_start desc", limit=1)
    return contract or Contract.create({
        "name": "HĐ-%s-%s" % (agency.code or agency.id, office.sp_area_id.code),
        "agency_id": agency.id, "company_id": office.id, "area_id": office.sp_area_id.id,
        "date_start": datetime.date(since.year - 1, 1, 1), "method": "cash_point",
        "fee_type": "percent", "fee_rate": 0.9,
    })


def _agency_result(env, cycle, agency, seed):
    """The agency's result file of ``cycle`` (CSV as the agency fills the list), not imported:
    a line is not collected when the draw on its person and month says so."""
    cr = env.cr
    cr.execute(SQL(
        """
        CREATE TEMP TABLE sp_demo_result ON COMMIT DROP AS
        SELECT to_char(l.period, 'YYYYMM') || '-' || l.enrolment_id AS reference,
               l.total_amount::bigint AS total,
               CASE WHEN %(draw)s < %(unpaid)s THEN 'Chưa nhận' ELSE 'Đã nhận' END AS status,
               l.period + (4 + ABS(MOD(hashtextextended(h.code || ':' || (i.id - h.head_id)
                   || ':' || l.period || ':d', %(seed)s), 20)))::int AS paid_date,
               'BN' || to_char(l.period, 'YYMM') || '-' || h.code || '-' || (i.id - h.head_id)
                   AS receipt
          FROM sp_payment_line l
          JOIN sp_enrolment e ON e.id = l.enrolment_id
          JOIN sp_individual i ON i.id = e.individual_id
          JOIN sp_household h ON h.id = i.household_id
         WHERE l.cycle_id = %(cycle)s
         ORDER BY l.id
        """, cycle=cycle.id, seed=seed, unpaid=UNPAID_SHARE,
        draw=_draw(SQL("h.code || ':' || (i.id - h.head_id) || ':' || l.period"), seed)))
    buffer = io.StringIO()
    buffer.write(",".join(RESULT_HEADER) + "\n")
    cr.copy_expert("COPY (SELECT reference, total, status, CASE WHEN status = 'Đã nhận' "
                   "THEN to_char(paid_date, 'DD/MM/YYYY') END, CASE WHEN status = 'Đã nhận' "
                   "THEN receipt END FROM sp_demo_result) TO STDOUT WITH (FORMAT csv)", buffer)
    cr.execute("DROP TABLE sp_demo_result")
    data = buffer.getvalue().encode()
    return env["sp.payment.result"].sudo().with_context(**QUIET).create({
        "cycle_id": cycle.id, "agency_id": agency.id,
        "file": base64.b64encode(data),
        "file_name": "ket_qua_chi_tra_%s_%s.csv" % (cycle.area_id.code,
                                                    cycle.period.strftime("%Y%m")),
    })


STAGES = [
    ("collaborators", "sp.collaborator.assignment", collaborators),
    ("enrolments", "sp.enrolment", enrolments),
    ("payments", "sp.payment.cycle", payments),
    ("tickets", "sp.grievance", tickets),
]
