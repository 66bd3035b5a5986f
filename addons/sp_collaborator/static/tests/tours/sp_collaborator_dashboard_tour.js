/** @odoo-module **/
/* A province manager opens the overview: one household never visited, and its list. */
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sp_collaborator_dashboard", {
    steps: () => [
        {
            content: "Collaborator Phạm Thị Lan is listed",
            trigger: ".o_sp_dashboard_visits td:contains(Phạm Thị Lan)",
        },
        {
            content: "Open the households never visited",
            trigger: ".o_sp_dashboard_card[name=never_visited]:has(.o_sp_dashboard_value:contains(1))",
            run: "click",
        },
        {
            content: "The household of the caseload is listed",
            trigger: ".o_list_view .o_data_row:contains(Nguyễn Văn An)",
        },
    ],
});
