#!/bin/sh
# Regenerate tests/spc/funnel_cases/generated.json from the R packages themselves.
#
# Usage: scripts/funnel_cases.sh SOURCES RLIB
#   SOURCES  a folder holding the packages' source trees, at the commits ../shared/funnel/README.md
#            names: rlang (2247598), vctrs (1cabb0d), scales (9f5becf), ggplot2 (a525ec3) from the
#            github.com/cran mirrors, FunnelPlotR (9020d49, the 0.6.0 release) and
#            PHEindicatormethods (v2.0.0, 7ad93dc), unmodified
#   RLIB     a private R library folder to install them into
# Needs R 4.2 with the Debian packages the README lists (r-base-core, r-base-dev, r-cran-dplyr,
# r-cran-jsonlite, ...). The packages' code is never committed here; only the cases are.
set -eu
SOURCES=$1
RLIB=$2
mkdir -p "$RLIB"
for package in rlang vctrs scales ggplot2 FunnelPlotR PHEindicatormethods; do
    if ! R_LIBS="$RLIB" Rscript -e "quit(status = !requireNamespace('$package', quietly = TRUE))"; then
        R CMD INSTALL -l "$RLIB" "$SOURCES/$package"
    fi
done
cd "$(dirname "$0")/.."
R_LIBS="$RLIB" Rscript scripts/funnel_cases.R tests/spc/funnel_cases/generated.json
