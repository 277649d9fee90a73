from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from nivaran.accounts.api import TokenApi
from nivaran.analytics.api import (
    DashboardApi,
    DriveDetailApi,
    DriveListApi,
    PublicFiguresApi,
    RankingApi,
    WeeklyPackApi,
)
from nivaran.analytics.views import transparency_page
from nivaran.catalog.api import CategoryListApi
from nivaran.duplicates import api as duplicates_api
from nivaran.geo.api import AreaListApi
from nivaran.grievances import api as grievance_api
from nivaran.grievances import fieldwork_api, quality_api
from nivaran.org.api import DepartmentListApi, PostListApi
from nivaran.rts import api as rts_api
from nivaran.shares.api import ShareRecipientsApi, ShareWhatsappApi
from nivaran.staffprofile import api as me_api
from nivaran.suggestions.api import CategorySuggestApi
from nivaran.systemic import api as systemic_api

api_v1: list[URLPattern | URLResolver] = [
    path("auth/token/", TokenApi.as_view(), name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file (docs/?script), not
    # inline, so the page runs under the Content-Security-Policy.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="core/swagger_ui.html"
        ),
        name="docs",
    ),
    # The signed-in staff member's own profile (nivaran/staffprofile/api.py).
    path("me/", me_api.MeApi.as_view(), name="me"),
    path("me/mobile/otp/", me_api.MeMobileOtpApi.as_view(), name="me-mobile-otp"),
    path("me/mobile/", me_api.MeMobileApi.as_view(), name="me-mobile"),
    path("categories/", CategoryListApi.as_view(), name="categories"),
    path("categories/suggest/", CategorySuggestApi.as_view(), name="categories-suggest"),
    path("areas/", AreaListApi.as_view(), name="areas"),
    path("departments/", DepartmentListApi.as_view(), name="departments"),
    path("posts/", PostListApi.as_view(), name="posts"),
    path("shares/whatsapp/", ShareWhatsappApi.as_view(), name="share-whatsapp"),
    path(
        "shares/whatsapp/recipients/",
        ShareRecipientsApi.as_view(),
        name="share-whatsapp-recipients",
    ),
    path("grievances/", grievance_api.GrievanceListApi.as_view(), name="grievances"),
    # Before grievances/<number>/: "search" is no grievance number.
    path("grievances/search/", grievance_api.GrievanceSearchApi.as_view(), name="grievance-search"),
    path("grievances/<str:number>/", grievance_api.GrievanceDetailApi.as_view(), name="grievance"),
    path(
        "grievances/<str:number>/duplicates/",
        duplicates_api.GrievanceDuplicatesApi.as_view(),
        name="grievance-duplicates",
    ),
    path("duplicates/check/", duplicates_api.DuplicateCheckApi.as_view(), name="duplicate-check"),
    path(
        "grievances/<str:number>/merge-otp/",
        duplicates_api.MergeOtpApi.as_view(),
        name="grievance-merge-otp",
    ),
    path(
        "grievances/<str:number>/history/",
        grievance_api.GrievanceHistoryApi.as_view(),
        name="grievance-history",
    ),
    # One path per action (each documented with its own body), before the generic one.
    *(
        path(
            f"grievances/<str:number>/actions/{action}/",
            grievance_api.action_view(action).as_view(),
            {"action": action},
            name=f"grievance-action-{action}",
        )
        for action in grievance_api.ACTIONS
    ),
    path(
        "grievances/<str:number>/actions/<str:action>/",
        grievance_api.GrievanceActionApi.as_view(),
        name="grievance-action",
    ),
    path(
        "grievances/<str:number>/atrs/",
        quality_api.GrievanceAtrsApi.as_view(),
        name="grievance-atrs",
    ),
    path(
        "grievances/<str:number>/feedback/",
        quality_api.GrievanceFeedbackApi.as_view(),
        name="grievance-feedback",
    ),
    path("feedback-queue/", quality_api.FeedbackQueueApi.as_view(), name="feedback-queue"),
    path(
        "special-closes/pending/",
        quality_api.SpecialCloseQueueApi.as_view(),
        name="special-close-queue",
    ),
    path(
        "quality/departments/",
        quality_api.QualityCountsApi.as_view(by="department"),
        name="quality-departments",
    ),
    path(
        "quality/officers/",
        quality_api.QualityCountsApi.as_view(by="officer"),
        name="quality-officers",
    ),
    path("field-visits/", fieldwork_api.FieldVisitListApi.as_view(), name="field-visits"),
    path(
        "field-visits/<int:visit_id>/record/",
        fieldwork_api.FieldVisitRecordApi.as_view(),
        name="field-visit-record",
    ),
    path("field-coverage/", fieldwork_api.FieldCoverageApi.as_view(), name="field-coverage"),
    path("analytics/ranking/", RankingApi.as_view(), name="analytics-ranking"),
    path("analytics/dashboard/", DashboardApi.as_view(), name="analytics-dashboard"),
    path("public/figures/", PublicFiguresApi.as_view(), name="public-figures"),
    path(
        "analytics/weekly-packs/<str:kind>/<str:code>/",
        WeeklyPackApi.as_view(),
        name="analytics-weekly-pack",
    ),
    path("analytics/drives/", DriveListApi.as_view(), name="analytics-drives"),
    path("analytics/drives/<int:drive_id>/", DriveDetailApi.as_view(), name="analytics-drive"),
    # Background exports of the lists a user may see (nivaran/exports/api.py).
    path("exports/", include("nivaran.exports.api_urls")),
    # Systemic issues (U4, B4): nivaran/systemic/api.py.
    path(
        "analytics/systemic-issues/",
        systemic_api.SystemicIssueListApi.as_view(),
        name="systemic-issues",
    ),
    path(
        "analytics/systemic-issues/<int:issue_id>/acknowledge/",
        systemic_api.SystemicIssueAcknowledgeApi.as_view(),
        name="systemic-issue-acknowledge",
    ),
    # Right to Service (H1-H4): nivaran/rts/api.py.
    path("rts/services/", rts_api.NotifiedServiceListApi.as_view(), name="rts-services"),
    path("rts/cases/", rts_api.RtsCaseListApi.as_view(), name="rts-cases"),
]

urlpatterns = [
    path("api/v1/", include((api_v1, "api"))),
    path("api/v1/partner/", include(("nivaran.partners.urls", "partners"))),
    path("api/v1/citizen/", include(("nivaran.portal.api_urls", "citizen"))),
    path("api/v1/ivrs/", include(("nivaran.callcentre.api_urls", "ivrs"))),
    path("api/v1/sms/", include(("nivaran.notifications.api_urls", "sms"))),
    path("open311/v2/", include(("nivaran.open311.urls", "open311"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    *i18n_patterns(
        path("citizen/", include("nivaran.portal.urls")),
        path("callcentre/", include("nivaran.callcentre.urls")),
        path("analytics/", include("nivaran.analytics.views")),
        path("transparency/", transparency_page, name="transparency"),
        path("exports/", include("nivaran.exports.views")),
        path("", include("nivaran.web.urls")),
        prefix_default_language=False,
    ),
]
# No URL serves MEDIA_ROOT, not even under DEBUG or in demo mode: uploads are
# confidential and reach the browser only through the views that check the reader's
# reach (web:attachment, web:atr-document).

# Under /api/ Django's own errors (an unmatched URL above all) answer JSON too.
handler400 = "nivaran.core.api.bad_request"
handler403 = "nivaran.core.api.permission_denied"
handler404 = "nivaran.core.api.page_not_found"
handler500 = "nivaran.core.api.server_error"
