# Generates reference cases for followup.spc by running the R reference implementations:
# qicharts2 0.8.1 and NHSRplotthedots 0.2.2 (patched only as ../shared/spc/README.md describes).
# The packages' code is never committed; only this script and the JSON it writes.
#
#   Rscript tests/spc/reference/generate_cases.R tests/spc/reference
#
# Writes qicharts2_cases.json and nhsrplotthedots_cases.json: lists of cases in the schema of
# ../shared/spc/README.md. Series are random (fixed seed) with shifts, trends, outliers, ties,
# missing values and zero denominators, plus the datasets qicharts2 ships (nhs_accidents,
# hospital_infections, cdi). qicharts2 is called unattached, with options(qic.screenedmr) set
# explicitly for each case.
suppressPackageStartupMessages({
  library(jsonlite)
  library(dplyr)
})
args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args)) args[[1]] else "."
set.seed(20261126)

na_null <- function(v) { v[!is.finite(v)] <- NA; v }

qic_case <- function(id, description, chart, y, n = NULL, freeze = NULL, part = NULL,
                     exclude = NULL, screened = FALSE) {
  options(qic.screenedmr = screened)
  xx <- seq_along(y); yy <- y; nn <- n
  d <- suppressMessages(suppressWarnings(qicharts2::qic(
    xx, yy, nn, chart = chart, freeze = freeze, part = part, exclude = exclude,
    return.data = TRUE)))
  parts <- lapply(split(d, d$part), function(p) list(
    part = p$part[1], n_obs = p$n.obs[1], n_useful = p$n.useful[1],
    longest_run = p$longest.run[1], longest_run_max = p$longest.run.max[1],
    n_crossings = p$n.crossings[1], n_crossings_min = p$n.crossings.min[1],
    runs_signal = as.logical(max(p$runs.signal)), sigma_signal_count = sum(p$sigma.signal)))
  options <- list(screened_mr = screened, method = "anhoej")
  if (!is.null(freeze)) options$freeze <- freeze
  if (!is.null(part)) options$part <- part
  if (!is.null(exclude)) options$exclude <- I(exclude)
  list(
    id = id, generator = "qicharts2 0.8.1 (R 4.2.2)", description = description,
    chart = chart, options = options,
    input = list(x = I(seq_along(y)), y = I(y), n = if (is.null(n)) NULL else I(n)),
    expected = list(
      per_point = list(
        y_plotted = I(na_null(d$y)), cl = I(na_null(d$cl)), lcl = I(na_null(d$lcl)),
        ucl = I(na_null(d$ucl)), lcl_95 = I(na_null(d$lcl.95)), ucl_95 = I(na_null(d$ucl.95)),
        part = I(d$part), baseline = I(d$baseline), include = I(d$include),
        sigma_signal = I(d$sigma.signal), runs_signal = I(d$runs.signal)),
      parts = unname(parts)))
}

random_series <- function(len, kind) {
  base <- switch(kind,
    noise = rnorm(len, 50, 5),
    shift = c(rnorm(len %/% 2, 50, 5), rnorm(len - len %/% 2, 57, 5)),
    trend = 50 + seq_len(len) * 0.8 + rnorm(len, 0, 2),
    outlier = { v <- rnorm(len, 50, 5); v[sample(len, max(1, len %/% 10))] <- 90; v },
    ties = round(rnorm(len, 10, 1.2)),
    skew = rexp(len, 0.1))
  round(base, sample(c(0, 1, 3), 1))
}

with_missing <- function(v, p) { v[runif(length(v)) < p] <- NA; v }

qcases <- list()
k <- 0
add_q <- function(case) { k <<- k + 1; qcases[[k]] <<- case }

kinds <- c("noise", "shift", "trend", "outlier", "ties", "skew")
for (i in 1:150) {
  chart <- sample(c("run", "i", "mr", "c"), 1)
  len <- sample(c(1, 2, 3, 5, 8, 12, 20, 24, 30, 40, 60), 1)
  kind <- sample(kinds, 1)
  y <- random_series(len, kind)
  if (chart == "c") y <- rpois(len, sample(c(0.5, 3, 12, 40), 1))
  if (runif(1) < 0.3) y <- with_missing(y, 0.1)
  freeze <- NULL; part <- NULL; exclude <- NULL
  r <- runif(1)
  if (r < 0.2 && len > 4) freeze <- sample(2:(len - 1), 1)
  else if (r < 0.45 && len > 4) part <- sort(sample(1:(len - 1), sample(1:2, 1)))
  if (runif(1) < 0.25 && len > 3) exclude <- sort(sample(len, sample(1:2, 1)))
  screened <- runif(1) < 0.5
  add_q(qic_case(sprintf("g_%s_%s_%03d", chart, kind, i),
                 sprintf("Random %s series (%s), %d points", chart, kind, len),
                 chart, y, NULL, freeze, part, exclude, screened))
}
for (i in 1:150) {
  chart <- sample(c("p", "pp", "u", "up"), 1)
  len <- sample(c(2, 3, 5, 8, 12, 20, 24, 30, 40, 60), 1)
  big <- runif(1) < 0.4
  n <- if (big) sample(2000:50000, len, replace = TRUE) else sample(5:300, len, replace = TRUE)
  rate <- runif(1, 0.02, 0.6)
  drift <- if (runif(1) < 0.4) rnorm(len, 0, rate / 6) else rep(0, len)
  if (chart %in% c("p", "pp")) {
    y <- rbinom(len, n, pmin(pmax(rate + drift, 0.001), 0.999))
  } else {
    y <- rpois(len, n * pmax(rate + drift, 0.001))
  }
  if (runif(1) < 0.25) { m <- sample(len, 1); y[m] <- NA }
  if (runif(1) < 0.15) { z <- sample(len, 1); y[z] <- 0; n[z] <- 0 }
  if (runif(1) < 0.1) y <- rep(0, len)
  freeze <- NULL; part <- NULL; exclude <- NULL
  r <- runif(1)
  if (r < 0.2 && len > 4) freeze <- sample(2:(len - 1), 1)
  else if (r < 0.45 && len > 4) part <- sort(sample(1:(len - 1), sample(1:2, 1)))
  if (runif(1) < 0.25 && len > 3) exclude <- sort(sample(len, sample(1:2, 1)))
  screened <- runif(1) < 0.5
  add_q(qic_case(sprintf("g_%s_%03d", chart, i),
                 sprintf("Random %s chart, %d points, %s denominators", chart, len,
                         if (big) "large" else "small"),
                 chart, y, n, freeze, part, exclude, screened))
}
# Runs, I, P and P' charts of two of the datasets qicharts2 ships.
acc <- qicharts2::nhs_accidents
for (chart in c("run", "i", "p", "pp")) for (screened in c(FALSE, TRUE)) {
  add_q(qic_case(sprintf("d_nhs_accidents_%s_%s", chart, screened),
                 "qicharts2's nhs_accidents: patients seen within 4 hours of arrival",
                 chart, acc$r, if (chart %in% c("p", "pp")) acc$n else NULL, screened = screened))
}
hai <- qicharts2::hospital_infections
hai1 <- hai[hai$hospital == hai$hospital[1], ]
for (chart in c("u", "up", "c", "run")) {
  add_q(qic_case(sprintf("d_hospital_infections_%s", chart),
                 "qicharts2's hospital_infections, first hospital: infections per 1,000 days",
                 chart, hai1$n, if (chart %in% c("u", "up")) hai1$days / 1000 else NULL,
                 freeze = 12, screened = TRUE))
}
write(toJSON(qcases, auto_unbox = TRUE, digits = NA, na = "null", null = "null", pretty = FALSE),
      file.path(out_dir, "qicharts2_cases.json"))

mdc_case <- function(id, description, y, direction, rebase = NULL, fix = NULL, target = NULL,
                     screen = TRUE) {
  dates <- seq(as.Date("2020-01-01"), by = "month", length.out = length(y))
  df <- data.frame(date = dates, value = y)
  a <- list(df, value_field = "value", date_field = "date", improvement_direction = direction,
            screen_outliers = screen)
  if (!is.null(rebase)) a$rebase <- NHSRplotthedots::ptd_rebase(dates[rebase])
  if (!is.null(fix)) a$fix_after_n_points <- fix
  if (!is.null(target)) a$target <- NHSRplotthedots::ptd_target(target)
  r <- suppressWarnings(do.call(NHSRplotthedots::ptd_spc, a))
  s <- suppressWarnings({ invisible(capture.output(sm <- summary(r))); sm })
  if (!"rebase_group" %in% names(s)) s$rebase_group <- 0
  assurance <- if (is.null(target) || direction == "neutral") NA else
    NHSRplotthedots:::ptd_calculate_assurance_type(r)$assurance_type
  groups <- lapply(seq_len(nrow(s)), function(i) {
    g <- list(rebase_group = s$rebase_group[i], n = s$n[i], mean = s$mean_col[i], lpl = s$lpl[i],
              upl = s$upl[i], common_cause = s$common_cause[i],
              special_cause_improvement = s$special_cause_improvement[i],
              special_cause_concern = s$special_cause_concern[i],
              variation_type = s$variation_type[i])
    if (!is.null(target)) g$assurance_type <- s$assurance_type[i]
    g
  })
  list(
    id = id, generator = "NHSRplotthedots 0.2.2 (R 4.2.2)", description = description,
    chart = "xmr_mdc",
    options = list(improvement_direction = direction,
                   rebase_dates = if (is.null(rebase)) NULL else I(format(dates[rebase])),
                   fix_after_n_points = fix, target = target, screen_outliers = screen),
    input = list(date = I(format(dates)), y = I(y)),
    expected = list(
      per_point = lapply(list(
        rebase_group = r$rebase_group, short_group_warning = r$short_group_warning,
        mean = r$mean_col, lpl = r$lpl, upl = r$upl, outside_limits = r$outside_limits,
        relative_to_mean = r$relative_to_mean, close_to_limits = r$close_to_limits,
        special_cause_type = r$special_cause_type, special_cause_flag = r$special_cause_flag,
        point_type = r$point_type), I),
      groups = groups,
      variation_icon = r$point_type[nrow(r)],
      assurance_icon = assurance))
}

mcases <- list()
k <- 0
for (i in 1:200) {
  len <- sample(c(7, 10, 12, 13, 15, 20, 24, 30, 36, 48), 1)
  kind <- sample(kinds, 1)
  y <- random_series(len, kind)
  direction <- sample(c("increase", "decrease", "neutral"), 1)
  rebase <- NULL; fix <- NULL; target <- NULL
  if (runif(1) < 0.3 && len >= 20) rebase <- sort(sample(6:(len - 4), sample(1:2, 1)))
  if (runif(1) < 0.25 && len >= 14) fix <- sample(12:(len - 1), 1)
  if (runif(1) < 0.4) target <- round(mean(y) + sample(c(-3, -1, 0, 1, 3), 1) * sd(y), 1)
  screen <- runif(1) < 0.8
  k <- k + 1
  mcases[[k]] <- mdc_case(sprintf("g_mdc_%s_%03d", kind, i),
                          sprintf("Random %s series, %d months, %s is better", kind, len, direction),
                          y, direction, rebase, fix, target, screen)
}
for (direction in c("increase", "decrease")) {
  k <- k + 1
  mcases[[k]] <- mdc_case(paste0("d_nhs_accidents_mdc_", direction),
                          "qicharts2's nhs_accidents as percentages seen within 4 hours",
                          round(100 * acc$r / acc$n, 2), direction, target = 95)
}
write(toJSON(mcases, auto_unbox = TRUE, digits = NA, na = "null", null = "null", pretty = FALSE),
      file.path(out_dir, "nhsrplotthedots_cases.json"))
cat(length(qcases), "qicharts2 cases and", length(mcases), "NHSRplotthedots cases written\n")
