from django.urls import path

from followup.evidence import views, views_analysis, views_coding, views_source

app_name = "evidence"
urlpatterns = [
    path("p/<slug:slug>/evidence/", views.sources, name="sources"),
    path("p/<slug:slug>/evidence/sources/new/", views.source_create, name="source_create"),
    path("p/<slug:slug>/evidence/sources/<int:pk>/", views_source.source_detail, name="source"),
    path("p/<slug:slug>/evidence/surveys/new/", views.survey_upload, name="survey_upload"),
    path("p/<slug:slug>/evidence/surveys/<int:pk>/", views.survey_preview, name="survey_preview"),
    path(
        "p/<slug:slug>/evidence/surveys/<int:pk>/discard/",
        views.survey_discard,
        name="survey_discard",
    ),
    path(
        "p/<slug:slug>/evidence/codings/<int:pk>/remove/", views.coding_remove, name="coding_remove"
    ),
    path("p/<slug:slug>/evidence/codings/<int:pk>/quote/", views.quote_create, name="quote_create"),
    path("p/<slug:slug>/evidence/quotes/", views.quotes, name="quotes"),
    path(
        "p/<slug:slug>/evidence/quotes/<int:pk>/approve/", views.quote_approve, name="quote_approve"
    ),
    path("p/<slug:slug>/evidence/codebook/", views.codebook, name="codebook"),
    path("p/<slug:slug>/evidence/codebook/wellbeing/", views.add_wellbeing, name="add_wellbeing"),
    path(
        "p/<slug:slug>/evidence/codebook/framework/<int:pk>/",
        views.add_qi_codes,
        name="add_qi_codes",
    ),
    path("p/<slug:slug>/evidence/codes/<int:pk>/edit/", views.code_edit, name="code_edit"),
    path("p/<slug:slug>/evidence/codes/<int:pk>/merge/", views.code_merge, name="code_merge"),
    path("p/<slug:slug>/evidence/codes/<int:pk>/delete/", views.code_delete, name="code_delete"),
    path("p/<slug:slug>/evidence/exchange/", views.exchange, name="exchange"),
    path("p/<slug:slug>/evidence/cases/", views_coding.cases, name="cases"),
    path("p/<slug:slug>/evidence/cases/new/", views_coding.case_create, name="case_create"),
    path("p/<slug:slug>/evidence/cases/<int:pk>/", views_coding.case_edit, name="case_edit"),
    path(
        "p/<slug:slug>/evidence/sources/<int:pk>/details/",
        views_coding.source_details,
        name="source_details",
    ),
    path("p/<slug:slug>/evidence/codings/<int:pk>/", views_coding.coding_edit, name="coding_edit"),
    path("p/<slug:slug>/evidence/analysis/", views_analysis.analysis_page, name="analysis"),
    path(
        "p/<slug:slug>/evidence/analysis/matrix.<str:fmt>",
        views_analysis.matrix_download,
        name="matrix_download",
    ),
    path(
        "p/<slug:slug>/evidence/analysis/co-occurrence.<str:fmt>",
        views_analysis.cooccurrence_download,
        name="cooccurrence_download",
    ),
    path("p/<slug:slug>/evidence/excerpts/", views_analysis.excerpts_page, name="excerpts"),
    path(
        "p/<slug:slug>/evidence/excerpts.<str:fmt>",
        views_analysis.excerpts_download,
        name="excerpts_download",
    ),
    path("p/<slug:slug>/evidence/exchange/codebook.qdc", views.export_qdc, name="export_qdc"),
    path("p/<slug:slug>/evidence/exchange/project.qdpx", views.export_qdpx, name="export_qdpx"),
]
