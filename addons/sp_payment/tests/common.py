"""Payment fixtures on top of sp_base's: a programme with a standard level, people enrolled
through the programme's own steps (submit, verify, approve with a signed decision), an agency
contract with a pay point, agency users, and helpers to run a month and build result files."""
import base64
import contextlib
import csv
import datetime
import io

from dateutil.relativedelta import relativedelta

from odoo import Command, fields

from odoo.addons.sp_base.tests.common import SpFixtures

LEVEL = 500_000
RESULT_HEADERS = ["Mã dòng chi trả", "Mã tỉnh", "Kỳ chi trả", "Số định danh cá nhân",
                  "Tổng số tiền", "Trạng thái", "Ngày nhận", "Số biên nhận"]


class PaymentFixtures(SpFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        # the first month paid: far enough in the past for decisions dated in it
        today = fields.Date.context_today(env["res.users"])
        cls.m1 = (today - relativedelta(months=8)).replace(day=1)
        cls.m2, cls.m3, cls.m4 = (cls.m1 + relativedelta(months=n) for n in (1, 2, 3))
        cls.village_a2 = cls._sp_area("X1002-01", "Thôn 1", "village", cls.commune_a2)
        (cls.village_a2 | cls.commune_a2).company_id = cls.office_a
        cls.officer_a = cls._sp_user("sp_officer_a", "sp_base.group_commune_officer", cls.office_a)
        cls.manager_a2 = cls._sp_user("sp_manager_a2", "sp_base.group_province_manager",
                                      cls.office_a)
        cls.manager_b = cls._sp_user("sp_manager_b", "sp_base.group_province_manager",
                                     cls.office_b)
        cls.programme = env["sp.programme"].create({
            "name": "Trợ cấp xã hội hằng tháng (thử)", "code": "TEST20",
            "funeral_coefficient": 20.0,
        })
        cls.cat_k5 = env["sp.benefit.category"].create({
            "programme_id": cls.programme.id, "code": "K5c", "name": "Người từ đủ 80 tuổi",
            "exclusivity_group": "decree20",
            "band_ids": [Command.create({"date_from": "2020-01-01", "coefficient": 1.0})],
        })
        cls.cat_k6 = env["sp.benefit.category"].create({
            "programme_id": cls.programme.id, "code": "K6", "name": "Người khuyết tật nặng",
            "exclusivity_group": "decree20",
            "band_ids": [Command.create({"date_from": "2020-01-01", "coefficient": 1.5})],
        })
        env["sp.standard.level"].create({
            "programme_id": cls.programme.id, "date_from": "2021-07-01", "amount": LEVEL,
        })
        Agency = env["sp.payment.agency"]
        cls.vnpost = env.ref("sp_payment.agency_vnpost")
        cls.bank = Agency.create({"name": "Ngân hàng thử", "code": "BANKT"})
        Contract = env["sp.payment.contract"]
        cls.contract_a = Contract.create({
            "name": "HĐ-01/A", "agency_id": cls.vnpost.id, "area_id": cls.prov_a.id,
            "date_start": "2020-01-01", "fee_type": "percent", "fee_rate": 1.0,
        })
        cls.contract_b = Contract.create({
            "name": "HĐ-01/B", "agency_id": cls.bank.id, "area_id": cls.prov_b.id,
            "date_start": "2020-01-01", "fee_type": "per_person", "fee_amount": 5000,
        })
        cls.point_a1 = env["sp.payment.point"].create({
            "name": "Bưu điện xã Thử A 1", "code": "P01", "contract_id": cls.contract_a.id,
            "area_id": cls.commune_a1.id, "commune_ids": [Command.set(cls.commune_a1.ids)],
        })
        cls.agency_user = cls._sp_agency_user("sp_agency_a", cls.vnpost, cls.office_a)
        cls.bank_user = cls._sp_agency_user("sp_agency_bank", cls.bank,
                                            cls.office_a | cls.office_b)

    @classmethod
    def _sp_agency_user(cls, login, agency, offices):
        user = cls._sp_user(login, "sp_payment.group_payment_agency", offices[0], offices)
        user.sp_payment_agency_id = agency
        return user

    # ------------------------------------------------------------------ registry and programme
    @classmethod
    def _sp_people(cls, count, area, start=0, birth_year=1940, name="Người thử"):
        """``count`` people aged 80 or more, with valid personal IDs (male, born 19xx)."""
        return cls.env["sp.individual"].create([{
            "name": "%s %s" % (name, start + i),
            "gender": "male",
            "birthdate": datetime.date(birth_year, 1, 15),
            # six random digits: any area id (sp_vn loads 14,000 areas) stays within them
            "id_number": "0010%02d%06d" % (birth_year % 100,
                                            (area.id * 1000 + start + i) % 1000000),
            "area_id": area.id,
        } for i in range(count)])

    @classmethod
    def _sp_enrol(cls, people, month, categories=None, officer=None, manager=None, start=None,
                  **vals):
        """Enrol ``people`` the way the commune does: application (dated in ``month``),
        submission, verification, approval with a decision signed in ``month`` (today at the
        latest); entitled from ``start`` (default: the decision month)."""
        officer = officer or cls.officer_a
        manager = manager or cls.manager_a
        applied = month + relativedelta(days=2)
        Enrolment = cls.env["sp.enrolment"].with_user(officer)
        enrolments = Enrolment.create([{
            "programme_id": cls.programme.id, "individual_id": person.id,
            "category_ids": [Command.set((categories or cls.cat_k5).ids)],
            "application_date": applied, "popdb_status": "matched", **vals,
        } for person in people])
        enrolments.action_submit()
        enrolments.action_verify()
        decision_date = min(month + relativedelta(days=9), fields.Date.today())
        decision = cls.env["sp.decision"].with_user(manager).create({
            "name": "QĐ-%s/%s" % (people[:1].id, month.strftime("%m%Y")),
            "decision_date": decision_date, "signer": "Chủ tịch UBND xã",
            "programme_id": cls.programme.id, "area_id": people[:1].commune_id.id,
        })
        enrolments.with_user(manager).action_approve(decision=decision, date_start=start)
        return enrolments.with_user(cls.env.user)

    # ------------------------------------------------------------------ payments
    @classmethod
    def _sp_cycle(cls, month, office=None, **vals):
        return cls.env["sp.payment.cycle"].create({
            "period": month, "company_id": (office or cls.office_a).id, **vals})

    def _sp_generate(self, cycle, user=None):
        cycle.with_user(user or self.officer_a).action_generate()
        return cycle

    def _sp_approve(self, cycle, user=None):
        cycle.with_user(user or self.manager_a).action_approve()
        return cycle

    def _sp_result_csv(self, rows, headers=None):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(headers or RESULT_HEADERS)
        writer.writerows(rows)
        return out.getvalue().encode("utf-8-sig")

    def _sp_row(self, line, status="Đã nhận", amount=None, receipt=None, period=None,
                province=None, reference=None, id_number=""):
        """A result row for ``line`` as the agency fills it in."""
        return [
            line.reference if reference is None else reference,
            province or line.area_id.province_id.code,
            (period or line.period).strftime("%d/%m/%Y"),
            id_number,
            f"{line.total_amount if amount is None else amount:,.0f}".replace(",", "."),
            status,
            (line.period + relativedelta(days=14)).strftime("%d/%m/%Y") if status == "Đã nhận"
            else "",
            receipt if receipt is not None else ("BN-%s" % line.id if status == "Đã nhận" else ""),
        ]

    def _sp_import(self, cycle, data, name="ket_qua.csv", user=None, agency=None):
        user = user or self.manager_a
        result = self.env["sp.payment.result"].with_user(user).create({
            "cycle_id": cycle.id, "file": base64.b64encode(data), "file_name": name,
            **({"agency_id": agency.id} if agency else {}),
        })
        result.action_import()
        return result

    def _sp_pay_all(self, cycle, unpaid=(), user=None):
        """Report every line of ``cycle`` paid, except the enrolments in ``unpaid``."""
        rows = [self._sp_row(line, status="Chưa nhận" if line.enrolment_id in unpaid
                             else "Đã nhận")
                for line in cycle.line_ids]
        return self._sp_import(cycle, self._sp_result_csv(rows),
                               name="ket_qua_%s.csv" % cycle.period.strftime("%Y%m"), user=user)

    def assertRaisesRegex(self, exception, regex, *args, **kwargs):
        """Like Odoo's assertRaises: the failed operation is rolled back (savepoint)."""
        if args or kwargs:
            return super().assertRaisesRegex(exception, regex, *args, **kwargs)
        return self._sp_raises_regex(exception, regex)

    @contextlib.contextmanager
    def _sp_raises_regex(self, exception, regex):
        with self.assertRaises(exception) as cm:
            yield cm
        self.assertRegex(str(cm.exception), regex)
