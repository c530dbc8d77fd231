"""The CRM tables: customers, catalogue, contracts, billing, history, campaigns, org chart.

Revision ID: 0001_crm
Revises:
Create Date: 2026-11-27 04:24:55.094684
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_crm"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=9), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("civility", sa.String(length=4), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("company_name", sa.String(length=200), nullable=True),
        sa.Column("siret", sa.String(length=14), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("address_line1", sa.String(length=200), nullable=False),
        sa.Column("address_line2", sa.String(length=200), nullable=True),
        sa.Column("postcode", sa.String(length=5), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("marketing_consent", sa.Boolean(), nullable=False),
        sa.Column("contact_preference", sa.String(length=16), nullable=False),
        sa.Column("segment", sa.String(length=16), nullable=False),
        sa.Column("payment_method", sa.String(length=16), nullable=False),
        sa.Column("iban", sa.String(length=34), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("civility IN ('M.', 'Mme')", name=op.f("ck_customers_civility")),
        sa.CheckConstraint(
            "contact_preference IN ('telephone', 'email', 'sms', 'courrier')",
            name=op.f("ck_customers_contact_preference"),
        ),
        sa.CheckConstraint(
            "kind = 'particulier' OR company_name IS NOT NULL",
            name=op.f("ck_customers_professional_has_company"),
        ),
        sa.CheckConstraint(
            "kind IN ('particulier', 'professionnel')", name=op.f("ck_customers_kind")
        ),
        sa.CheckConstraint(
            "payment_method IN ('direct_debit', 'card', 'cheque', 'transfer')",
            name=op.f("ck_customers_payment_method"),
        ),
        sa.CheckConstraint(
            "segment IN ('standard', 'premium', 'loyal', 'at_risk')",
            name=op.f("ck_customers_segment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_customers_company_name"), ["company_name"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_customers_email"), ["email"], unique=False)
        batch_op.create_index(
            "ix_customers_last_name_postcode", ["last_name", "postcode"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_customers_number"), ["number"], unique=True)
        batch_op.create_index(batch_op.f("ix_customers_postcode"), ["postcode"], unique=False)

    op.create_table(
        "offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("technology", sa.String(length=16), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("monthly_price", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("one_off_price", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("engagement_months", sa.Integer(), nullable=False),
        sa.Column("applies_to", sa.String(length=8), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "applies_to IN ('box', 'mobile', 'any')", name=op.f("ck_offers_applies_to")
        ),
        sa.CheckConstraint(
            "kind IN ('box', 'mobile', 'option', 'equipment', 'fee')", name=op.f("ck_offers_kind")
        ),
        sa.CheckConstraint(
            "engagement_months >= 0", name=op.f("ck_offers_engagement_months_non_negative")
        ),
        sa.CheckConstraint("monthly_price >= 0", name=op.f("ck_offers_monthly_price_non_negative")),
        sa.CheckConstraint(
            "monthly_price IS NOT NULL OR one_off_price IS NOT NULL",
            name=op.f("ck_offers_has_a_price"),
        ),
        sa.CheckConstraint("one_off_price >= 0", name=op.f("ck_offers_one_off_price_non_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offers")),
        sa.UniqueConstraint("code", name=op.f("uq_offers_code")),
    )
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offers_kind"), ["kind"], unique=False)

    op.create_table(
        "services",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("extension", sa.String(length=10), nullable=False),
        sa.Column("queue", sa.String(length=32), nullable=True),
        sa.Column("role", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_services")),
        sa.UniqueConstraint("code", name=op.f("uq_services_code")),
        sa.UniqueConstraint("extension", name=op.f("uq_services_extension")),
    )
    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("introduction", sa.Text(), nullable=False),
        sa.Column("conclusion", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys")),
        sa.UniqueConstraint("code", name=op.f("uq_surveys_code")),
    )
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("script", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("survey_id", sa.Integer(), nullable=True),
        sa.Column("offer_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('prospection', 'survey', 'collection')", name=op.f("ck_campaigns_kind")
        ),
        sa.CheckConstraint(
            "status IN ('planned', 'running', 'closed')", name=op.f("ck_campaigns_status")
        ),
        sa.CheckConstraint(
            "ends_on IS NULL OR ends_on >= starts_on", name=op.f("ck_campaigns_dates_in_order")
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["offers.id"], name=op.f("fk_campaigns_offer_id_offers")
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_campaigns_survey_id_surveys")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
        sa.UniqueConstraint("code", name=op.f("uq_campaigns_code")),
    )
    op.create_table(
        "contracts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("engagement_end", sa.Date(), nullable=True),
        sa.Column("line_identifier", sa.String(length=32), nullable=True),
        sa.Column("monthly_price", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.CheckConstraint(
            "status IN ('active', 'suspended', 'terminated')", name=op.f("ck_contracts_status")
        ),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name=op.f("ck_contracts_dates_in_order")
        ),
        sa.CheckConstraint(
            "monthly_price >= 0", name=op.f("ck_contracts_monthly_price_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_contracts_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["offers.id"], name=op.f("fk_contracts_offer_id_offers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts")),
    )
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contracts_customer_id_status", ["customer_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contracts_line_identifier"), ["line_identifier"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contracts_offer_id"), ["offer_id"], unique=False)

    op.create_table(
        "phone_numbers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=8), nullable=False),
        sa.Column("e164", sa.String(length=16), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "label IN ('mobile', 'fixe', 'pro')", name=op.f("ck_phone_numbers_label")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_phone_numbers_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phone_numbers")),
    )
    with op.batch_alter_table("phone_numbers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_phone_numbers_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_phone_numbers_e164"), ["e164"], unique=True)

    op.create_table(
        "survey_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=True),
        sa.Column("scale_min", sa.Integer(), nullable=True),
        sa.Column("scale_max", sa.Integer(), nullable=True),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "kind <> 'scale' OR (scale_min IS NOT NULL AND scale_max > scale_min)",
            name=op.f("ck_survey_questions_scale_has_bounds"),
        ),
        sa.CheckConstraint(
            "kind IN ('single', 'multiple', 'scale', 'text')", name=op.f("ck_survey_questions_kind")
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_questions_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_questions")),
        sa.UniqueConstraint(
            "survey_id", "position", name=op.f("uq_survey_questions_survey_id_position")
        ),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("extension", sa.String(length=10), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('student', 'trainer', 'grader')", name=op.f("ck_users_role")),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_users_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("login", name=op.f("uq_users_login")),
    )
    op.create_table(
        "call_list_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("phone_e164", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("callback_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_agent_id", sa.Integer(), nullable=True),
        sa.Column("amount_due", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("days_late", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint(
            (
                "outcome IN ('no_answer', 'busy', 'voicemail', 'wrong_number', 'refused', "
                "'callback', 'sale', 'no_sale', 'survey_completed', 'survey_partial', "
                "'promise_to_pay', 'payment_plan', 'paid', 'dispute')"
            ),
            name=op.f("ck_call_list_entries_outcome"),
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'in_progress', 'callback', 'done', 'excluded')",
            name=op.f("ck_call_list_entries_status"),
        ),
        sa.CheckConstraint(
            "amount_due >= 0", name=op.f("ck_call_list_entries_amount_due_non_negative")
        ),
        sa.CheckConstraint(
            "attempts >= 0", name=op.f("ck_call_list_entries_attempts_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_call_list_entries_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_call_list_entries_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["last_agent_id"], ["users.id"], name=op.f("fk_call_list_entries_last_agent_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_list_entries")),
        sa.UniqueConstraint(
            "campaign_id", "customer_id", name=op.f("uq_call_list_entries_campaign_id_customer_id")
        ),
    )
    with op.batch_alter_table("call_list_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_call_list_entries_callback_at"), ["callback_at"], unique=False
        )
        batch_op.create_index(
            "ix_call_list_entries_campaign_id_status",
            ["campaign_id", "status", "priority"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_call_list_entries_customer_id"), ["customer_id"], unique=False
        )

    op.create_table(
        "contract_options",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("added_on", sa.Date(), nullable=False),
        sa.Column("removed_on", sa.Date(), nullable=True),
        sa.Column("monthly_price", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.CheckConstraint(
            "monthly_price >= 0", name=op.f("ck_contract_options_monthly_price_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_contract_options_contract_id_contracts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["offers.id"], name=op.f("fk_contract_options_offer_id_offers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_options")),
    )
    with op.batch_alter_table("contract_options", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_options_contract_id"), ["contract_id"], unique=False
        )

    op.create_table(
        "memos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("to_service_id", sa.Integer(), nullable=True),
        sa.Column("to_user_id", sa.Integer(), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("priority", sa.String(length=8), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "priority IN ('low', 'normal', 'high', 'urgent')", name=op.f("ck_memos_priority")
        ),
        sa.CheckConstraint("status IN ('unread', 'read', 'done')", name=op.f("ck_memos_status")),
        sa.CheckConstraint(
            "to_service_id IS NOT NULL OR to_user_id IS NOT NULL",
            name=op.f("ck_memos_has_a_recipient"),
        ),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_memos_author_id_users")),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_memos_customer_id_customers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["to_service_id"], ["services.id"], name=op.f("fk_memos_to_service_id_services")
        ),
        sa.ForeignKeyConstraint(
            ["to_user_id"], ["users.id"], name=op.f("fk_memos_to_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memos")),
    )
    with op.batch_alter_table("memos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_memos_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_memos_to_service_id"), ["to_service_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_memos_to_user_id"), ["to_user_id"], unique=False)

    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("sender", sa.String(length=254), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("folder", sa.String(length=16), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("in_reply_to_id", sa.Integer(), nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("channel IN ('email', 'chat')", name=op.f("ck_messages_channel")),
        sa.CheckConstraint(
            "folder IN ('inbox', 'sent', 'drafts', 'archive')", name=op.f("ck_messages_folder")
        ),
        sa.CheckConstraint("language IN ('fr', 'en')", name=op.f("ck_messages_language")),
        sa.CheckConstraint(
            "status IN ('unread', 'read', 'answered', 'archived')", name=op.f("ck_messages_status")
        ),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["users.id"], name=op.f("fk_messages_agent_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_messages_customer_id_customers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["in_reply_to_id"],
            ["messages.id"],
            name=op.f("fk_messages_in_reply_to_id_messages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_messages_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(
            "ix_messages_folder_status_received_at",
            ["folder", "status", "received_at"],
            unique=False,
        )

    op.create_table(
        "objectives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("metric", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("target", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("comparison", sa.String(length=8), nullable=True),
        sa.Column("unit", sa.String(length=32), nullable=True),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "kind = 'qualitative' OR (target IS NOT NULL AND comparison IS NOT NULL)",
            name=op.f("ck_objectives_quantitative_has_target"),
        ),
        sa.CheckConstraint(
            "comparison IN ('at_least', 'at_most')", name=op.f("ck_objectives_comparison")
        ),
        sa.CheckConstraint(
            "kind IN ('quantitative', 'qualitative')", name=op.f("ck_objectives_kind")
        ),
        sa.CheckConstraint(
            "period IN ('shift', 'day', 'week', 'month')", name=op.f("ck_objectives_period")
        ),
        sa.CheckConstraint(
            (
                "(user_id IS NULL AND service_id IS NOT NULL) OR "
                "(user_id IS NOT NULL AND service_id IS NULL)"
            ),
            name=op.f("ck_objectives_agent_or_team"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_objectives_service_id_services")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_objectives_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objectives")),
    )
    with op.batch_alter_table("objectives", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_objectives_service_id"), ["service_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_objectives_user_id"), ["user_id"], unique=False)

    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("total_monthly", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("total_one_off", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "channel IN ('telephone', 'web', 'shop')", name=op.f("ck_orders_channel")
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'confirmed', 'shipped', 'delivered', 'cancelled')",
            name=op.f("ck_orders_status"),
        ),
        sa.CheckConstraint("total_monthly >= 0", name=op.f("ck_orders_total_monthly_non_negative")),
        sa.CheckConstraint("total_one_off >= 0", name=op.f("ck_orders_total_one_off_non_negative")),
        sa.ForeignKeyConstraint(["agent_id"], ["users.id"], name=op.f("fk_orders_agent_id_users")),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_orders_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("number", name=op.f("uq_orders_number")),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_orders_customer_id"), ["customer_id"], unique=False)

    op.create_table(
        "payment_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("total_amount", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "status IN ('active', 'completed', 'defaulted', 'cancelled')",
            name=op.f("ck_payment_plans_status"),
        ),
        sa.CheckConstraint("total_amount > 0", name=op.f("ck_payment_plans_total_amount_positive")),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["users.id"], name=op.f("fk_payment_plans_agent_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_payment_plans_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_plans")),
    )
    with op.batch_alter_table("payment_plans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_plans_customer_id"), ["customer_id"], unique=False
        )

    op.create_table(
        "requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("motive", sa.String(length=120), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            (
                "category IN ('information', 'technical', 'billing', 'sales', 'complaint', "
                "'termination', 'collection', 'administrative')"
            ),
            name=op.f("ck_requests_category"),
        ),
        sa.CheckConstraint(
            "status IN ('open', 'in_progress', 'waiting_customer', 'closed')",
            name=op.f("ck_requests_status"),
        ),
        sa.CheckConstraint(
            "closed_at IS NULL OR closed_at >= opened_at",
            name=op.f("ck_requests_closes_after_open"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_requests_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["users.id"], name=op.f("fk_requests_opened_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_requests_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requests")),
        sa.UniqueConstraint("number", name=op.f("uq_requests_number")),
    )
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_requests_customer_id_status", ["customer_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_requests_service_id_status", ["service_id", "status"], unique=False
        )

    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("slot_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("slot_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("technician", sa.String(length=100), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("booked_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('installation', 'repair', 'equipment_swap', 'removal')",
            name=op.f("ck_appointments_kind"),
        ),
        sa.CheckConstraint(
            "status IN ('planned', 'done', 'cancelled', 'missed')",
            name=op.f("ck_appointments_status"),
        ),
        sa.CheckConstraint("slot_end > slot_start", name=op.f("ck_appointments_slot_in_order")),
        sa.ForeignKeyConstraint(
            ["booked_by_id"], ["users.id"], name=op.f("fk_appointments_booked_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_appointments_contract_id_contracts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_appointments_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_appointments_request_id_requests"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
    )
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_appointments_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_appointments_slot_start"), ["slot_start"], unique=False
        )

    op.create_table(
        "instalments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'paid', 'missed')", name=op.f("ck_instalments_status")
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_instalments_amount_positive")),
        sa.CheckConstraint("number > 0", name=op.f("ck_instalments_number_positive")),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["payment_plans.id"],
            name=op.f("fk_instalments_plan_id_payment_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instalments")),
        sa.UniqueConstraint("plan_id", "number", name=op.f("uq_instalments_plan_id_number")),
    )
    with op.batch_alter_table("instalments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_instalments_due_on"), ["due_on"], unique=False)

    op.create_table(
        "interactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("motive", sa.String(length=120), nullable=False),
        sa.Column("nature", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("agent_name", sa.String(length=100), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("call_id", sa.String(length=64), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "channel IN ('call', 'email', 'letter', 'note', 'chat', 'sms')",
            name=op.f("ck_interactions_channel"),
        ),
        sa.CheckConstraint(
            "direction IN ('inbound', 'outbound', 'internal')",
            name=op.f("ck_interactions_direction"),
        ),
        sa.CheckConstraint(
            (
                "nature IN ('information', 'modification', 'order', 'complaint', 'technical', "
                "'billing', 'payment', 'termination', 'survey', 'prospection')"
            ),
            name=op.f("ck_interactions_nature"),
        ),
        sa.CheckConstraint(
            (
                "outcome IN ('resolved', 'pending', 'transferred', 'callback', 'request_opened', "
                "'sale', 'no_sale', 'promise_to_pay', 'payment_plan', 'survey_completed', "
                "'refused', 'no_answer', 'busy', 'wrong_number', 'voicemail', "
                "'information_given')"
            ),
            name=op.f("ck_interactions_outcome"),
        ),
        sa.CheckConstraint(
            "ended_at IS NULL OR ended_at >= started_at",
            name=op.f("ck_interactions_ends_after_start"),
        ),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["users.id"], name=op.f("fk_interactions_agent_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_interactions_campaign_id_campaigns"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_interactions_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_interactions_request_id_requests"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interactions")),
    )
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interactions_agent_id"), ["agent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_interactions_call_id"), ["call_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_interactions_campaign_id"), ["campaign_id"], unique=False
        )
        batch_op.create_index(
            "ix_interactions_customer_id_started_at", ["customer_id", "started_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_interactions_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("paid_amount", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("payment_plan_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('unpaid', 'partially_paid', 'paid', 'cancelled')",
            name=op.f("ck_invoices_status"),
        ),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_invoices_amount_non_negative")),
        sa.CheckConstraint("due_on >= issued_on", name=op.f("ck_invoices_due_after_issue")),
        sa.CheckConstraint("paid_amount >= 0", name=op.f("ck_invoices_paid_amount_non_negative")),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_invoices_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["payment_plan_id"],
            ["payment_plans.id"],
            name=op.f("fk_invoices_payment_plan_id_payment_plans"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("number", name=op.f("uq_invoices_number")),
    )
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_index(
            "ix_invoices_customer_id_issued_on", ["customer_id", "issued_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_invoices_payment_plan_id"), ["payment_plan_id"], unique=False
        )
        batch_op.create_index("ix_invoices_status_due_on", ["status", "due_on"], unique=False)

    op.create_table(
        "order_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("billing", sa.String(length=8), nullable=False),
        sa.CheckConstraint(
            "billing IN ('monthly', 'one_off')", name=op.f("ck_order_lines_billing")
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_order_lines_quantity_positive")),
        sa.CheckConstraint("unit_price >= 0", name=op.f("ck_order_lines_unit_price_non_negative")),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["offers.id"], name=op.f("fk_order_lines_offer_id_offers")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_lines_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_lines")),
    )
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_order_lines_order_id"), ["order_id"], unique=False)

    op.create_table(
        "survey_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("call_list_entry_id", sa.Integer(), nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("call_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('complete', 'partial', 'refused')", name=op.f("ck_survey_responses_status")
        ),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["users.id"], name=op.f("fk_survey_responses_agent_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["call_list_entry_id"],
            ["call_list_entries.id"],
            name=op.f("fk_survey_responses_call_list_entry_id_call_list_entries"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_survey_responses_campaign_id_campaigns"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_survey_responses_customer_id_customers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_survey_responses_survey_id_surveys")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_responses")),
    )
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_responses_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_survey_responses_survey_id"), ["survey_id"], unique=False
        )

    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("instalment_id", sa.Integer(), nullable=True),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("amount", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "method IN ('direct_debit', 'card', 'cheque', 'transfer')",
            name=op.f("ck_payments_method"),
        ),
        sa.CheckConstraint("status IN ('accepted', 'rejected')", name=op.f("ck_payments_status")),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payments_amount_positive")),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_payments_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["instalment_id"],
            ["instalments.id"],
            name=op.f("fk_payments_instalment_id_instalments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_payments_invoice_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payments_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_payments_instalment_id"), ["instalment_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_payments_invoice_id"), ["invoice_id"], unique=False)

    op.create_table(
        "survey_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["survey_questions.id"],
            name=op.f("fk_survey_answers_question_id_survey_questions"),
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["survey_responses.id"],
            name=op.f("fk_survey_answers_response_id_survey_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_answers")),
        sa.UniqueConstraint(
            "response_id", "question_id", name=op.f("uq_survey_answers_response_id_question_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("survey_answers")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payments_invoice_id"))
        batch_op.drop_index(batch_op.f("ix_payments_instalment_id"))
        batch_op.drop_index(batch_op.f("ix_payments_customer_id"))

    op.drop_table("payments")
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_responses_survey_id"))
        batch_op.drop_index(batch_op.f("ix_survey_responses_customer_id"))

    op.drop_table("survey_responses")
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_lines_order_id"))

    op.drop_table("order_lines")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index("ix_invoices_status_due_on")
        batch_op.drop_index(batch_op.f("ix_invoices_payment_plan_id"))
        batch_op.drop_index("ix_invoices_customer_id_issued_on")

    op.drop_table("invoices")
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interactions_request_id"))
        batch_op.drop_index("ix_interactions_customer_id_started_at")
        batch_op.drop_index(batch_op.f("ix_interactions_campaign_id"))
        batch_op.drop_index(batch_op.f("ix_interactions_call_id"))
        batch_op.drop_index(batch_op.f("ix_interactions_agent_id"))

    op.drop_table("interactions")
    with op.batch_alter_table("instalments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_instalments_due_on"))

    op.drop_table("instalments")
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appointments_slot_start"))
        batch_op.drop_index(batch_op.f("ix_appointments_customer_id"))

    op.drop_table("appointments")
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index("ix_requests_service_id_status")
        batch_op.drop_index("ix_requests_customer_id_status")

    op.drop_table("requests")
    with op.batch_alter_table("payment_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_plans_customer_id"))

    op.drop_table("payment_plans")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_customer_id"))

    op.drop_table("orders")
    with op.batch_alter_table("objectives", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_objectives_user_id"))
        batch_op.drop_index(batch_op.f("ix_objectives_service_id"))

    op.drop_table("objectives")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_folder_status_received_at")
        batch_op.drop_index(batch_op.f("ix_messages_customer_id"))

    op.drop_table("messages")
    with op.batch_alter_table("memos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_memos_to_user_id"))
        batch_op.drop_index(batch_op.f("ix_memos_to_service_id"))
        batch_op.drop_index(batch_op.f("ix_memos_customer_id"))

    op.drop_table("memos")
    with op.batch_alter_table("contract_options", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_options_contract_id"))

    op.drop_table("contract_options")
    with op.batch_alter_table("call_list_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_call_list_entries_customer_id"))
        batch_op.drop_index("ix_call_list_entries_campaign_id_status")
        batch_op.drop_index(batch_op.f("ix_call_list_entries_callback_at"))

    op.drop_table("call_list_entries")
    op.drop_table("users")
    op.drop_table("survey_questions")
    with op.batch_alter_table("phone_numbers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_phone_numbers_e164"))
        batch_op.drop_index(batch_op.f("ix_phone_numbers_customer_id"))

    op.drop_table("phone_numbers")
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contracts_offer_id"))
        batch_op.drop_index(batch_op.f("ix_contracts_line_identifier"))
        batch_op.drop_index("ix_contracts_customer_id_status")

    op.drop_table("contracts")
    op.drop_table("campaigns")
    op.drop_table("surveys")
    op.drop_table("services")
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offers_kind"))

    op.drop_table("offers")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customers_postcode"))
        batch_op.drop_index(batch_op.f("ix_customers_number"))
        batch_op.drop_index("ix_customers_last_name_postcode")
        batch_op.drop_index(batch_op.f("ix_customers_email"))
        batch_op.drop_index(batch_op.f("ix_customers_company_name"))

    op.drop_table("customers")
