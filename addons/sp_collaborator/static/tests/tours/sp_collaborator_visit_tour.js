/** @odoo-module **/
/* A collaborator logs a home visit on a phone-sized screen: My visits, New, household, topic,
 * outcome, Save. */
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sp_collaborator_log_visit", {
    steps: () => [
        {
            content: "Start a new visit",
            trigger: "button.o-kanban-button-new",
            run: "click",
        },
        {
            content: "The visit form is open, in one column",
            trigger: ".o_sp_visit_form .o_field_widget[name=household_id]",
        },
        {
            content: "Open the household search (a full-screen list on a phone)",
            trigger: ".o_field_widget[name=household_id] input",
            run: "click",
        },
        {
            content: "Pick the household: only the caseload is offered",
            trigger: ".modal .o_kanban_record:contains(Nguyễn Văn An)",
            run: "click",
        },
        {
            content: "Topic: school attendance",
            trigger: ".o_field_widget[name=topic] input[data-value=school]",
            run: "click",
        },
        {
            content: "Write the outcome",
            trigger: ".o_field_widget[name=outcome] textarea",
            run: "edit Hoa đã đi học lại; gia đình cần hỗ trợ sách vở.",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The visit is saved",
            trigger: ".o_form_saved",
        },
    ],
});
