"""Demo data of modules installed on top of the registry, generated when they are present.

Each stage works on the households that have none of its data yet (so running it twice adds
nothing), is seeded, and writes the way the module itself would: records with their own
business rules (collaborators, tickets: a few per thousand households) through the ORM, the
many rows (caseload assignments) with one INSERT ... SELECT.

Stage = ``(name, model that must exist, function(generator, seed) -> figures)``.
"""
import datetime
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


STAGES = [
    ("collaborators", "sp.collaborator.assignment", collaborators),
    ("tickets", "sp.grievance", tickets),
]
