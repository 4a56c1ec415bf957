"""marshmallow schemas of the CDS Hooks 2.0 documents this service reads and writes.

Requests are validated (the envelope leniently: CDS Clients may add fields, and
``extension`` is reserved for them), responses are documented for ``/openapi.json``.
"""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate, validates_schema


class _Lenient(Schema):
    class Meta:
        unknown = EXCLUDE


class FhirAuthorizationSchema(_Lenient):
    access_token = fields.String(required=True, validate=validate.Length(min=1))
    token_type = fields.String(required=True, validate=validate.Equal("Bearer"))
    expires_in = fields.Integer(required=True, strict=True)
    scope = fields.String(required=True)
    subject = fields.String(required=True)
    patient = fields.String()


class PatientViewContextSchema(_Lenient):
    userId = fields.String(required=True, validate=validate.Length(min=1))  # noqa: N815 (the spec's name)
    patientId = fields.String(required=True, validate=validate.Length(min=1))  # noqa: N815
    encounterId = fields.String()  # noqa: N815


class CdsRequestSchema(_Lenient):
    hook = fields.String(
        required=True, validate=validate.Equal("patient-view", error="This service runs on patient-view.")
    )
    hookInstance = fields.String(required=True, validate=validate.Length(min=1))  # noqa: N815
    fhirServer = fields.Url(schemes={"http", "https"}, require_tld=False)  # noqa: N815
    fhirAuthorization = fields.Nested(FhirAuthorizationSchema)  # noqa: N815
    context = fields.Nested(PatientViewContextSchema, required=True)
    prefetch = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True))
    extension = fields.Dict()

    @validates_schema
    def _server_with_authorization(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if "fhirAuthorization" in data and "fhirServer" not in data:
            raise ValidationError("fhirServer is required when fhirAuthorization is given.", "fhirServer")


class CodingSchema(Schema):
    class Meta:
        unknown = RAISE

    system = fields.String(required=True)
    code = fields.String(required=True)
    display = fields.String()  # optional in feedback: a client may send the reason without it


class OverrideReasonSchema(Schema):
    class Meta:
        unknown = RAISE

    reason = fields.Nested(CodingSchema)
    userComment = fields.String()  # noqa: N815


class AcceptedSuggestionSchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.String(required=True)


class FeedbackItemSchema(Schema):
    class Meta:
        unknown = RAISE

    card = fields.String(required=True, validate=validate.Length(min=1))
    outcome = fields.String(required=True, validate=validate.OneOf(["accepted", "overridden"]))
    acceptedSuggestions = fields.List(fields.Nested(AcceptedSuggestionSchema))  # noqa: N815
    overrideReason = fields.Nested(OverrideReasonSchema)  # noqa: N815
    outcomeTimestamp = fields.DateTime(required=True, format="iso")  # noqa: N815

    @validates_schema
    def _accepted_names_suggestions(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("outcome") == "accepted" and not data.get("acceptedSuggestions"):
            raise ValidationError("acceptedSuggestions is required for an accepted outcome.", "acceptedSuggestions")


class FeedbackRequestSchema(Schema):
    class Meta:
        unknown = RAISE

    feedback = fields.List(fields.Nested(FeedbackItemSchema), required=True, validate=validate.Length(min=1))


class FeedbackReceiptSchema(Schema):
    recorded = fields.Integer(required=True, metadata={"description": "Feedback items new to the service."})
    repeated = fields.Integer(required=True, metadata={"description": "Items already known (counted once)."})


class FeedbackSummarySchema(Schema):
    cards = fields.Integer(required=True, metadata={"description": "Cards with any feedback."})
    outcomes = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    override_reasons = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    accepted_suggestions = fields.Integer(required=True)
    scope = fields.String(required=True, metadata={"description": "What the counts cover."})


class CdsServiceSchema(Schema):
    hook = fields.String(required=True)
    title = fields.String()
    description = fields.String(required=True)
    id = fields.String(required=True)
    prefetch = fields.Dict(keys=fields.String(), values=fields.String())
    usageRequirements = fields.String()  # noqa: N815


class DiscoverySchema(Schema):
    services = fields.List(fields.Nested(CdsServiceSchema), required=True)


class CardsResponseSchema(Schema):
    cards = fields.List(fields.Dict(), required=True, metadata={"description": "CDS Hooks 2.0 cards."})
