# Generate funnel-plot reference cases from FunnelPlotR 0.6.0 and PHEindicatormethods 2.0.0.
#
# Usage: R_LIBS=$RLIB Rscript scripts/funnel_cases.R OUT.json
# (install the packages as ../shared/funnel/README.md says). Synthetic data only: seeded draws of
# council-sized denominators and counts, binomial, Poisson, over- and under-dispersed, with
# zeros, proportions near 0 and 1, small denominators, and 8-council groups. The cases have the
# shape of ../shared/funnel/cases (FunnelPlotR's lookup thinned to every 23rd row), one JSON
# list in OUT.json.
suppressPackageStartupMessages({
  library(FunnelPlotR)
  library(PHEindicatormethods)
  library(jsonlite)
  library(dplyr)
})
stopifnot(packageVersion("FunnelPlotR") == "0.6.0", packageVersion("PHEindicatormethods") == "2.0.0")

args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[1] else "tests/spc/funnel_cases/generated.json"

fin <- function(x) { x <- as.numeric(x); x[!is.finite(x)] <- NA; x }
lim4 <- function(l, u, l9, u9) list(lower95 = fin(l), upper95 = fin(u), lower998 = fin(l9), upper998 = fin(u9))

plotr_case <- function(id, d, data_type, multiplier, description) {
  runs <- list(unadjusted_95 = c(FALSE, 95), unadjusted_998 = c(FALSE, 99),
               adjusted_95 = c(TRUE, 95), adjusted_998 = c(TRUE, 99))
  den_col <- if (data_type == "SR") "expected" else "den"
  fits <- lapply(runs, function(r) suppressMessages(suppressWarnings(
    funnel_plot(d, numerator = num, denominator = !!rlang::sym(den_col), group = code,
                data_type = data_type, limit = r[[2]], draw_unadjusted = !r[[1]],
                draw_adjusted = as.logical(r[[1]]), sr_method = "SHMI", trim_by = 0.1,
                multiplier = multiplier, SHMI_rounding = FALSE, label = NA))))
  agg <- function(f) { a <- f$aggregated_data; a[match(d$code, a$group), ] }
  u <- agg(fits$unadjusted_95); a <- agg(fits$adjusted_95)
  adj <- fits$adjusted_95
  used <- isTRUE(adj$draw_adjusted)
  position <- lapply(names(runs), function(n) {
    x <- agg(fits[[n]]); lvl <- if (grepl("95$", n)) "95" else "99"
    use_od <- grepl("^adjusted", n) && used
    lo <- x[[if (use_od) paste0("OD", lvl, "LCL") else paste0("LCL", lvl)]]
    hi <- x[[if (use_od) paste0("OD", lvl, "UCL") else paste0("UCL", lvl)]]
    v <- x$rr * multiplier
    stopifnot(all((v > hi | v < lo) == (x$outlier == 1)))
    ifelse(v > hi, "above", ifelse(v < lo, "below", "within"))
  })
  names(position) <- names(runs)
  input <- list(code = d$code, numerator = d$num, denominator = d$den)
  if (data_type == "SR") input$expected <- d$expected
  lk <- limits(adj)
  keep <- unique(c(seq(1, nrow(lk), by = 23), nrow(lk)))
  lk <- lk[keep, ]
  grid <- list(n = lk$number_seq,
               unadjusted = lim4(lk$ll95, lk$ul95, lk$ll998, lk$ul998),
               adjusted = lim4(lk$odll95, lk$odul95, lk$odll998, lk$odul998))
  list(
    id = id, package = "FunnelPlotR 0.6.0", description = description,
    options = list(data_type = data_type, multiplier = multiplier, trim_by = 0.1, sr_method = "SHMI",
                   SHMI_rounding = FALSE),
    input = input,
    expected = list(
      centre = (if (data_type == "SR") 1 else sum(d$num) / sum(d$den)) * multiplier,
      phi = adj$phi, tau2 = adj$tau2, adjusted_used = used,
      per_area = list(
        value = fin(u$rr * multiplier), z = fin(a$Uzscore), z_winsorised = fin(a$Wuzscore),
        unadjusted = lim4(u$LCL95, u$UCL95, u$LCL99, u$UCL99),
        adjusted = lim4(a$OD95LCL, a$OD95UCL, a$OD99LCL, a$OD99UCL)),
      position = position, grid = grid))
}

phe_case <- function(id, d, statistic, multiplier, description) {
  if (statistic == "proportion") {
    s <- assign_funnel_significance(d, num, den, statistic = "proportion")
    sa <- PHEindicatormethods:::sigma_adjustment
    avg <- sum(d$num) / sum(d$den)
    per <- list(value = d$num / d$den * multiplier,
                limits = lim4(sa(0.975, d$den, avg, "low", multiplier), sa(0.975, d$den, avg, "high", multiplier),
                              sa(0.999, d$den, avg, "low", multiplier), sa(0.999, d$den, avg, "high", multiplier)))
    options <- list(statistic = "proportion", multiplier = multiplier)
    g <- calculate_funnel_limits(d, num, den, statistic = "proportion", multiplier = multiplier,
                                 type = "standard")
    grid <- c(list(n = g$Population), lim4(g$lower_2s_limit, g$upper_2s_limit, g$lower_3s_limit,
                                           g$upper_3s_limit))
  } else {
    d$rate <- d$num / d$den * multiplier
    s <- assign_funnel_significance(d, num, den, rate, statistic = "rate", rate_type = "crude",
                                    multiplier = multiplier)
    frs <- PHEindicatormethods:::funnel_ratio_significance
    derived <- ifelse(d$num == 0, d$den, multiplier * d$num / d$rate)
    iv <- function(p, side) mapply(function(o, e) frs(o, e, p, side), d$num, derived) * multiplier
    avg <- sum(d$num) / sum(derived)
    per <- list(value = d$rate,
                interval = lim4(iv(0.95, "low"), iv(0.95, "high"), iv(0.998, "low"), iv(0.998, "high")))
    options <- list(statistic = "rate", rate_type = "crude", multiplier = multiplier, years_of_data = 1)
    g <- calculate_funnel_limits(d, num, den, rate, statistic = "rate", rate_type = "crude",
                                 multiplier = multiplier, years_of_data = 1, type = "standard")
    grid <- list(events = g$Events,
                 population_lower95 = g$lower_2s_population_1_year, lower95 = g$lower_2s_limit,
                 population_upper95 = g$upper_2s_population_1_year, upper95 = g$upper_2s_limit,
                 population_lower998 = g$lower_3s_population_1_year, lower998 = g$lower_3s_limit,
                 population_upper998 = g$upper_3s_population_1_year, upper998 = g$upper_3s_limit)
  }
  per$significance <- as.character(s$significance)
  list(id = id, package = "PHEindicatormethods 2.0.0", description = description, options = options,
       input = list(code = d$code, numerator = d$num, denominator = d$den),
       expected = list(centre = avg * multiplier, per_area = per, grid = grid))
}

draw_proportions <- function(k, den_range, p, icc, zeros = 0, fulls = 0, under = FALSE) {
  den <- round(exp(runif(k, log(den_range[1]), log(den_range[2]))))
  if (under) {
    num <- pmin(den, pmax(0, round(den * p + rnorm(k, 0, 0.3))))
  } else if (icc > 0) {
    a <- p * (1 - icc) / icc; b <- (1 - p) * (1 - icc) / icc
    num <- rbinom(k, den, rbeta(k, a, b))
  } else {
    num <- rbinom(k, den, p)
  }
  if (zeros) num[sample(k, zeros)] <- 0
  if (fulls) { i <- sample(k, fulls); num[i] <- den[i] }
  if (sum(num) == 0) num[1] <- 1
  if (sum(num) == sum(den)) num[1] <- den[1] - 1
  data.frame(code = sprintf("A%02d", seq_len(k)), num = num, den = den)
}

draw_rates <- function(k, pop_range, rate, shape, zeros = 0) {
  den <- round(exp(runif(k, log(pop_range[1]), log(pop_range[2]))) / 10) * 10
  mu <- den * rate / 1000
  if (shape > 0) mu <- mu * rgamma(k, shape, shape)
  num <- rpois(k, mu)
  if (zeros) num[sample(k, zeros)] <- 0
  if (sum(num) == 0) num[1] <- 1
  d <- data.frame(code = sprintf("A%02d", seq_len(k)), num = num, den = den)
  d$expected <- sum(d$num) / sum(d$den) * d$den
  d
}

set.seed(20261129)
cases <- list(); n <- 0
add <- function(x) { n <<- n + 1; cases[[n]] <<- x }
prop_specs <- list(
  list("binomial 5%", c(50, 2000), 0.05, 0), list("overdispersed 5%", c(50, 2000), 0.05, 0.02),
  list("large denominators, overdispersed", c(2000, 40000), 0.2, 0.01),
  list("small denominators 3-30", c(3, 30), 0.25, 0), list("small denominators, overdispersed", c(3, 30), 0.3, 0.08),
  list("near 0 (0.4%)", c(100, 3000), 0.004, 0), list("near 1 (99%)", c(50, 1500), 0.99, 0),
  list("one half", c(20, 500), 0.5, 0.03), list("underdispersed", c(100, 5000), 0.12, 0, TRUE))
rate_specs <- list(
  list("10 per 1,000, Poisson", c(5000, 60000), 10, 0), list("10 per 1,000, overdispersed", c(5000, 60000), 10, 8),
  list("low counts 0.4 per 1,000", c(2000, 40000), 0.4, 0), list("60 per 1,000, overdispersed", c(3000, 50000), 60, 20),
  list("2 per 1,000, small populations", c(300, 8000), 2, 0))
for (rep in 1:4) {
  for (k in c(32, 8)) {
    for (s in prop_specs) {
      zeros <- if (rep %% 2 == 0 && s[[3]] < 0.5) 1 else 0
      fulls <- if (rep %% 2 == 0 && s[[3]] > 0.9) 1 else 0
      d <- draw_proportions(k, s[[2]], s[[3]], s[[4]], zeros, fulls, length(s) >= 5 && isTRUE(s[[5]]))
      label <- sprintf("%s, %d councils, draw %d", s[[1]], k, rep)
      add(plotr_case(sprintf("gen_pr_%03d", n + 1), d, "PR", 100, label))
      add(phe_case(sprintf("gen_phe_p_%03d", n + 1), d, "proportion", 100, label))
    }
    for (s in rate_specs) {
      zeros <- if (rep %% 2 == 0) rep - 1 else 0
      d <- draw_rates(k, s[[2]], s[[3]], s[[4]], min(zeros, k - 3))
      label <- sprintf("%s, %d councils, draw %d", s[[1]], k, rep)
      add(plotr_case(sprintf("gen_sr_%03d", n + 1), d, "SR", 1, label))
      add(phe_case(sprintf("gen_phe_r_%03d", n + 1), d, "rate", 1000, label))
    }
  }
}
writeLines(toJSON(cases, auto_unbox = TRUE, digits = NA, na = "null", null = "null"), out)
cat(sprintf("%d cases written to %s\n", length(cases), out))
