"""Statutory reports defined once (query, dimensions, layout) and produced for any area and
month. Each definition builds its figures with one read-only, set-based SQL query over the
records the viewer may read: the query starts from ``Model._search(domain)``, whose ``Query``
carries the viewer's record rules (company and area scope), so a province report run by another
province's user comes out empty."""
from dateutil.relativedelta import relativedelta

from odoo import _, api, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from odoo.addons.sp_base.tools import SpXlsxWriter

# Age groups of the statutory tables: (key, lower bound included, upper bound excluded).
AGE_GROUPS = [("age_0_15", 0, 16), ("age_16_59", 16, 60), ("age_60_79", 60, 80),
              ("age_80", 80, 1000)]


class SpReportBeneficiaries(models.AbstractModel):
    """Beneficiaries by category: active enrolments of a month and their monthly amount, by
    benefit category, sex and age group, for a commune, a province or the country."""

    _name = "sp.report.beneficiaries"
    _description = "Report: beneficiaries by category"

    @api.model
    def _sp_domain(self, area, month):
        """Enrolments in payment in ``month`` (first day) within ``area`` (False: all the
        viewer may read)."""
        last = month + relativedelta(months=1, days=-1)
        domain = [("state", "in", ("active", "suspended")), ("date_start", "<=", last),
                  "|", ("date_end", "=", False), ("date_end", ">=", month)]
        if area:
            if area.level == "province":
                domain.append(("province_id", "=", area.id))
            elif area.level == "commune":
                domain.append(("commune_id", "=", area.id))
            else:
                domain.append(("area_id", "child_of", area.id))
        return domain

    @api.model
    def _sp_rows(self, area, month):
        """[{category_id, code, name, count, male, female, age_0_15, ..., amount}] and the
        distinct totals (an enrolment under two categories counts once in the total)."""
        Enrolment = self.env["sp.enrolment"]
        field = Enrolment._fields["category_ids"]
        if not field.is_accessible(self.env):
            raise AccessError(_("You may not read the benefit categories of enrolments, so you "
                                "may not run the report of beneficiaries by category."))
        Enrolment.flush_model()
        self.env["sp.individual"].flush_model(["gender", "birthdate"])
        query = Enrolment._search(self._sp_domain(area, month))
        last = month + relativedelta(months=1, days=-1)
        age = SQL("date_part('year', age(%s::date, i.birthdate))", last)
        age_cols = SQL(", ").join(
            SQL("count(*) FILTER (WHERE %s >= %s AND %s < %s) AS %s", age, low, age, high,
                SQL.identifier(key))
            for key, low, high in AGE_GROUPS)
        facts = SQL("""
            SELECT e.id, e.monthly_amount, i.gender, i.birthdate
              FROM sp_enrolment e
              LEFT JOIN sp_individual i ON i.id = e.individual_id
             WHERE e.id IN %s
        """, query.subselect())
        aggregates = SQL("""
            count(*) AS count,
            count(*) FILTER (WHERE i.gender = 'male') AS male,
            count(*) FILTER (WHERE i.gender = 'female') AS female,
            %s,
            COALESCE(sum(i.monthly_amount), 0) AS amount
        """, age_cols)
        rows = self.env.execute_query_dict(SQL("""
            WITH i AS MATERIALIZED (%(facts)s)
            SELECT c.id AS category_id, c.code, c.sequence, %(aggregates)s
              FROM i
              JOIN %(rel)s r ON r.%(col1)s = i.id
              JOIN sp_benefit_category c ON c.id = r.%(col2)s
             GROUP BY c.id, c.code, c.sequence
             ORDER BY c.sequence, c.code, c.id
        """, facts=facts, aggregates=aggregates, rel=SQL.identifier(field.relation),
            col1=SQL.identifier(field.column1), col2=SQL.identifier(field.column2)))
        total = self.env.execute_query_dict(SQL(
            "WITH i AS MATERIALIZED (%s) SELECT %s FROM i", facts, aggregates))[0]
        names = {c.id: c.display_name for c in self.env["sp.benefit.category"].browse(
            [r["category_id"] for r in rows]).sudo()}
        for row in rows:
            # the name of a category the viewer's enrolments have (categories are reference data)
            row["name"] = names.get(row["category_id"], row["code"])
        return rows, total

    @api.model
    def _sp_columns(self):
        return [
            (_("Code"), "text", 10), (_("Benefit category"), "text", 40),
            (_("Beneficiaries"), "int", 14), (_("Male"), "int", 10), (_("Female"), "int", 10),
            (_("Aged under 16"), "int", 12), (_("Aged 16 to 59"), "int", 12),
            (_("Aged 60 to 79"), "int", 12), (_("Aged 80 and over"), "int", 12),
            (_("Monthly amount (VND)"), "money", 20),
        ]

    @api.model
    def _sp_values(self, row):
        return [row["count"], row["male"], row["female"],
                *(row[key] for key, _low, _high in AGE_GROUPS), row["amount"]]

    @api.model
    def _sp_xlsx(self, area, month):
        """(file name, XLSX bytes) of the report for ``area`` (False: the country, as far as
        the viewer may read) and ``month``."""
        month = month.replace(day=1)
        rows, total = self._sp_rows(area, month)
        where = area.display_name if area else _("All areas in your scope")
        title = _("Beneficiaries by category - %(area)s - %(month)s",
                  area=where, month=month.strftime("%m/%Y"))
        with SpXlsxWriter() as book:
            sheet = book.add_sheet(_("By category"), self._sp_columns(), title=title)
            for row in rows:
                sheet.write_row([row["code"], row["name"], *self._sp_values(row)])
            sheet.write_row(["", _("Total (persons)"), *self._sp_values(total)])
        name = "doi_tuong_theo_nhom_%s_%s.xlsx" % (area.code if area else "all",
                                                 month.strftime("%Y%m"))
        return name, book.getvalue()

