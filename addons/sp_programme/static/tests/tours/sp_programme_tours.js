import { registry } from "@web/core/registry";

// The commune officer submits an application from its form.
registry.category("web_tour.tours").add("sp_programme_officer_submit", {
    steps: () => [
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_submit']",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_verify']",
        },
    ],
});

// The approver approves with the signed decision, in the step wizard.
registry.category("web_tour.tours").add("sp_programme_approver_decision", {
    steps: () => [
        {
            trigger: ".o_form_view .o_statusbar_buttons button:contains('Approve')",
            run: "click",
        },
        {
            trigger: ".modal div[name='decision_number'] input",
            run: "edit 99/QĐ-UBND",
        },
        {
            trigger: ".modal div[name='decision_signer'] input",
            run: "edit Chủ tịch UBND xã",
        },
        {
            trigger: ".modal-footer button[name='action_confirm']",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button:contains('Suspend')",
        },
    ],
});
