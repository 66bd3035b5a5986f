/** @odoo-module */

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sp_grievance_console_tour", {
    url: "/odoo/action-sp_grievance.sp_grievance_console_action",
    steps: () => [
        {
            content: "Type the caller's phone number",
            trigger: ".o_sp_console .o_field_widget[name=query] input",
            run: "edit 0399 000 101",
        },
        {
            content: "Search the registry",
            trigger: ".o_sp_console button[name=action_search]",
            run: "click",
        },
        {
            content: "The caller is found",
            trigger: ".o_sp_console .o_field_widget[name=lookup_message]:contains(found)",
        },
        {
            content: "The household summary lists the members",
            trigger: ".o_sp_household_summary td:contains(Nguyễn Thị Hoa)",
        },
        {
            content: "Choose the category",
            trigger: ".o_sp_console .o_field_widget[name=category_id] input",
            run: "edit Payment",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Payment)",
            run: "click",
        },
        {
            content: "Describe the grievance",
            trigger: ".o_sp_console .o_field_widget[name=description] textarea",
            run: "edit Bà chưa nhận được tiền trợ cấp tháng này.",
        },
        {
            content: "Create the ticket",
            trigger: ".o_sp_console button[name=action_create_ticket]",
            run: "click",
        },
        {
            content: "Read the reference number to the caller",
            trigger: ".o_sp_console .o_field_widget[name=reference]:contains(KN-)",
        },
    ],
});
