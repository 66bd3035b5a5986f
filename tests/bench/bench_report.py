"""Reports at scale: the statutory report of beneficiaries by category (sp_report) and the
printed payment list of a batch (QWeb PDF through wkhtmltopdf).

The benchmark inserts its own province (B8, 10 communes), people and active enrolments
set-based at the database's scale (``--people``; smoke: 2,000) in the harness's rolled-back
transaction, then:

- runs the report for the country (every enrolment of the database) and for the province in
  a forked child, reporting its time and the child's peak resident memory (getrusage), and
  the same figures through the ORM's ``_read_group`` (count and monthly amount by category,
  which applies record rules too) for comparison;
- generates the month's payment lines and prints a batch's payment list to PDF, cut to
  2,000 lines (smoke: the batches of every commune, 2,000 lines in all, in one PDF).

Targets (issue 20): national report of 1,000,000 enrolments < 10 s and < 300 MB; the payment
list PDF of a 2,000-line batch < 60 s. Figures only: nothing here fails on time. Without an
HTTP server the report assets are not fetched (wkhtmltopdf renders the inline styles only).
"""
import os
import time

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tools import SQL

LEVEL = 500_000
PDF_LINES = 2_000


def _fixture(env, communes_count):
    Area = env["sp.area"]
    province = Area.create({"code": "B8", "name": "Tỉnh Báo Cáo", "level": "province"})
    communes = Area.create([{"code": "B8%03d" % (i + 1), "name": "Xã Báo Cáo %s" % (i + 1),
                             "level": "commune", "parent_id": province.id}
                            for i in range(communes_count)])
    office = env["res.company"].create({"name": "Sở Báo Cáo", "sp_area_id": province.id,
                                        "parent_id": env.ref("base.main_company").id})
    programme = env["sp.programme"].create({"name": "Trợ cấp báo cáo", "code": "BENCH20R"})
    categories = env["sp.benefit.category"].create([{
        "programme_id": programme.id, "code": code, "name": "Báo cáo %s" % code,
        "band_ids": [Command.create({"date_from": "2020-01-01", "coefficient": coef})],
    } for code, coef in (("K1", 2.5), ("K5c", 1.0), ("K6", 1.5))])
    env["sp.standard.level"].create({"programme_id": programme.id,
                                     "date_from": "2021-07-01", "amount": LEVEL})
    return province, communes, office, programme, categories


def _setup(env, ctx, count):
    period = (fields.Date.today() - relativedelta(months=1)).replace(day=1)
    province, communes, office, programme, categories = _fixture(env, 10)
    env.flush_all()
    with ctx.timer() as t:
        ctx.enrol_people(env, count, programme, categories, province, office, communes,
                         period, LEVEL, name="Người báo cáo", id_prefix="8",
                         birth_days=30000, birth_step=37)
    ctx.report("report.setup.enrolments", count, "enrolments")
    ctx.report("report.setup.seconds", t.seconds, "s")
    return period, province, communes, office, programme


def _in_child(env, func):
    """(seconds, peak RSS MB) of ``func()`` run in a forked child on this transaction."""
    env.flush_all()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        code = 1
        try:
            os.close(read_fd)
            start = time.perf_counter()
            func()
            os.write(write_fd, ("%f" % (time.perf_counter() - start)).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write_fd)
    _pid, status, usage = os.wait4(pid, 0)
    data = os.read(read_fd, 100).decode().split()
    os.close(read_fd)
    if status != 0 or len(data) != 1:
        raise RuntimeError("the report child failed (status %s)" % status)
    return float(data[0]), usage.ru_maxrss / 1024


def _beneficiaries(env, ctx, period, province):
    Report = env["sp.report.beneficiaries"]
    total = env["sp.enrolment"].search_count(Report._sp_domain(False, period))
    ctx.report("report.beneficiaries.country_enrolments", total, "enrolments")
    for label, area in (("country", False), ("province", province)):
        seconds, peak = _in_child(env, lambda area=area: Report._sp_xlsx(area, period))
        ctx.report("report.beneficiaries.%s.seconds" % label, seconds, "s")
        ctx.report("report.beneficiaries.%s.peak_rss" % label, peak, "MB")
    with ctx.timer() as t:
        Report._sp_rows(False, period)
    ctx.report("report.beneficiaries.country.sql_seconds", t.seconds, "s")
    with ctx.timer() as t:
        env["sp.enrolment"]._read_group(Report._sp_domain(False, period), ["category_ids"],
                                        ["__count", "monthly_amount:sum"])
    ctx.report("report.beneficiaries.country.read_group_seconds", t.seconds,
               "s (count and amount by category only)")


def _payment_list(env, ctx, period, communes, office):
    contract = env["sp.payment.contract"].create({
        "name": "HĐ báo cáo", "agency_id": env.ref("sp_payment.agency_vnpost").id,
        "area_id": communes[0].parent_id.id, "company_id": office.id,
        "date_start": "2020-01-01", "fee_rate": 0.5})
    env["sp.entitlement"]._sp_compute_period(period, companies=office)
    cycle = env["sp.payment.cycle"].create({"period": period, "company_id": office.id,
                                            "contract_id": contract.id})
    cycle._sp_generate(compute=False)
    batch = cycle.batch_ids.sorted(lambda b: -b.line_count)[:1]
    if batch.line_count >= PDF_LINES:
        # keep the first 2,000 lines in the batch: the figure is a 2,000-line list
        env.cr.execute(SQL("""
            UPDATE sp_payment_line SET batch_id = NULL
             WHERE batch_id = %s AND id NOT IN (SELECT id FROM sp_payment_line WHERE batch_id = %s
                                                ORDER BY id LIMIT %s)
        """, batch.id, batch.id, PDF_LINES))
        env.invalidate_all()
        lines = PDF_LINES
    else:
        # smaller batches (smoke): print every batch of the month in one PDF
        batch = cycle.batch_ids
        lines = sum(batch.mapped("line_count"))
    Report = env["ir.actions.report"].with_context(force_report_rendering=True)
    with ctx.timer() as t:
        pdf, _kind = Report._render_qweb_pdf("sp_report.action_report_payment_list", batch.ids)
    ctx.report("report.payment_list_pdf.lines", lines, "lines")
    ctx.report("report.payment_list_pdf.seconds", t.seconds, "s")
    ctx.report("report.payment_list_pdf.size", len(pdf) / 2**20, "MB")


def run(env, ctx):
    env = env(context=dict(env.context, tracking_disable=True))
    count = ctx.size(ctx.people, 2_000)
    period, province, communes, office, _programme = _setup(env, ctx, count)
    _beneficiaries(env, ctx, period, province)
    _payment_list(env, ctx, period, communes, office)
