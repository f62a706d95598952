"""The applications API's OpenAPI links: which answer's ids open which operations."""

from __future__ import annotations

from shared.http.openapi import Links, link

NEW_ID = "$response.body#/id"

LINKS: Links = {
    "createRound": {
        "201": {
            "GetRound": link("getRound", round_id=NEW_ID),
            "CloseRound": link("closeRound", round_id=NEW_ID),
            "GetPublishedList": link("getPublishedList", round_id=NEW_ID),
            "GetObjections": link("getObjections", round_id=NEW_ID),
            "FinaliseRound": link("finaliseRound", round_id=NEW_ID),
            "SubmitApplication": link("submitApplication", requestBody={"round_id": NEW_ID}),
        }
    },
    "submitApplication": {
        "201": {
            name: link(operation, application_id=NEW_ID)
            for name, operation in (
                ("GetApplication", "getApplication"),
                ("GetApplicationHistory", "getApplicationHistory"),
                ("ReviewApplication", "reviewApplication"),
                ("AmendApplication", "amendApplication"),
                ("WithdrawApplication", "withdrawApplication"),
            )
        }
    },
    "getApplication": {
        "200": {
            "GetRound": link("getRound", round_id="$response.body#/round_id"),
            "GetEnterpriseApplications": link(
                "getEnterpriseApplications", credit_code="$response.body#/credit_code"
            ),
        }
    },
    "reviewApplication": {"202": {"GetApplication": link("getApplication", application_id=NEW_ID)}},
    "getPublishedList": {
        "200": {
            "LodgeObjection": link(
                "lodgeObjection",
                round_id="$response.body#/round_id",
                requestBody={"application_id": "$response.body#/entries/0/application_id"},
            )
        }
    },
    "lodgeObjection": {"201": {"DecideObjection": link("decideObjection", objection_id=NEW_ID)}},
    "getProposal": {
        "200": {
            "ConfirmProposal": link("confirmProposal", proposal_id="$response.body#/id"),
            "DeclineProposal": link("declineProposal", proposal_id="$response.body#/id"),
            "GetRound": link("getRound", round_id="$response.body#/round_id"),
        }
    },
    # A confirmation answers the application it filed.
    "confirmProposal": {"201": {"GetApplication": link("getApplication", application_id=NEW_ID)}},
}
