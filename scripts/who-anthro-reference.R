# Regenerates test/growth/fixtures/who-anthro-reference.csv: the z-scores and flags of WHO Anthro
# 1.1.0 itself (WHO's R package `anthro`, its own `anthro_zscores` and its own tables) for a fixed
# set of ~12,000 measurements chosen to hit every rule: the first two weeks, the ±0.7 cm switch at
# 731 days, standing under 9 months, the 60-month cut (1826 / 1826.25 days), the 45/65/110/120 cm
# edges of weight-for-length/height, restricted z beyond ±3 SD, every flag, oedema, missing age,
# arm circumference before and after 91 days.
#
#   Rscript scripts/who-anthro-reference.R <anthro source dir> > test/growth/fixtures/who-anthro-reference.csv
#
# <anthro source dir>: a checkout of github.com/WorldHealthOrganization/anthro at tag v1.1.0 (the
# script sources its R/ files and loads R/sysdata.rda, so no installation is needed); with
# the CRAN package installed, pass "installed" instead. Deterministic (set.seed); R >= 4.0.
args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 1) stop("usage: Rscript who-anthro-reference.R <anthro source dir | installed>")
if (args[1] == "installed") {
  library(anthro)
  zscores <- anthro::anthro_zscores
  gs <- function(name) get(paste0("growthstandards_", name), envir = asNamespace("anthro"))
} else {
  src <- file.path(args[1], "R")
  for (f in c("anthro-package.R", "assertions.R", "utils.R", "z-score-helper.R",
              list.files(src, pattern = "^z-score-.+\\.R$"), "z-score.R")) source(file.path(src, f))
  load(file.path(src, "sysdata.rda"))
  zscores <- anthro_zscores
  gs <- function(name) get(paste0("growthstandards_", name))
}

set.seed(20261203)
lms_value <- function(tab, sex, age, z) {
  i <- match(paste(sex, age), paste(tab$sex, tab$age))
  l <- tab$l[i]; m <- tab$m[i]; s <- tab$s[i]
  m * (1 + l * s * z)^(1 / l)
}
len <- gs("lenanthro"); wei <- gs("weianthro"); hc <- gs("hcanthro"); ac <- gs("acanthro")

rows <- list()
add <- function(sex, age, weight, lenhei, measure, headc, armc, oedema) {
  rows[[length(rows) + 1]] <<- data.frame(sex = sex, age = age, weight = weight, lenhei = lenhei,
    measure = measure, headc = headc, armc = armc, oedema = oedema, stringsAsFactors = FALSE)
}
# Measurements with the precision a posyandu writes them (weight 0.1 kg, length 0.1 cm), some
# with two decimals, z spread wide enough to reach the restricted tails and the flags.
batch <- function(n, ages, zsd = 1.6, len_dp = 1, wt_dp = 1) {
  sex <- sample(1:2, n, replace = TRUE)
  a <- ages(n)
  ad <- pmin(floor(a + 0.5), 1826)
  zl <- rnorm(n, -0.8, zsd); zw <- rnorm(n, -0.5, zsd)
  zh <- rnorm(n, 0, zsd); za <- rnorm(n, -0.3, zsd)
  l <- round(lms_value(len, sex, ad, zl), len_dp)
  w <- round(lms_value(wei, sex, ad, zw), wt_dp)
  h <- round(lms_value(hc, sex, ad, zh), 1)
  acage <- pmax(ad, 91)
  m <- round(lms_value(ac, sex, acage, za), 1)
  usual <- ifelse(ad < 731, "l", "h")
  r <- runif(n)
  measure <- ifelse(r < 0.08, ifelse(usual == "l", "h", "l"), ifelse(r < 0.12, NA, usual))
  oedema <- ifelse(runif(n) < 0.02, "y", "n")
  add(sex, a, w, l, measure, ifelse(runif(n) < 0.7, h, NA), ifelse(runif(n) < 0.7, m, NA), oedema)
}
batch(4000, function(n) sample(0:1856, n, replace = TRUE))
batch(1500, function(n) sample(0:14, n, replace = TRUE), zsd = 2, wt_dp = 2)   # first two weeks
batch(1000, function(n) sample(0:1830, n, replace = TRUE), zsd = 3.5)          # tails and flags
batch(1000, function(n) sample(0:1830, n, replace = TRUE), len_dp = 2, wt_dp = 2)
batch(800, function(n) round(runif(n, 0, 1830), 2))                             # fractional days
batch(800, function(n) sample(c(270:280, 725:736, 1820:1830, 1850:1860), n, replace = TRUE))
batch(500, function(n) sample(c(1825.5, 1826, 1826.2, 1826.25, 1826.3, 1826.5, 273.9, 273.94, 730.49, 730.5), n, replace = TRUE))
# Without age: the table by measure, then by 87 cm; lengths on and around the table edges.
n <- 1500
edges <- c(44.9, 44.95, 45, 45.05, 64.9, 64.95, 65, 65.05, 86.9, 86.95, 87, 109.95, 110, 110.05,
           119.95, 120, 120.05, 120.1)
lh <- ifelse(runif(n) < 0.4, sample(edges, n, replace = TRUE), round(runif(n, 43, 122), sample(1:2, n, replace = TRUE)))
add(sample(1:2, n, replace = TRUE), ifelse(runif(n) < 0.6, NA, sample(0:1830, n, replace = TRUE)),
    round(pmax(0.5, 2.2 + (lh - 45) * 0.19 + rnorm(n, 0, 1.8)), 1), lh,
    sample(c("l", "h", NA), n, replace = TRUE), NA, NA, ifelse(runif(n) < 0.03, "y", "n"))
# Arm circumference around its 91-day start, and head circumference extremes.
n <- 600
a <- sample(c(80:100, 1800:1830), n, replace = TRUE)
add(sample(1:2, n, replace = TRUE), a, NA, NA, NA, round(runif(n, 28, 56), 1), round(runif(n, 7, 24), 1), "n")

d <- do.call(rbind, rows)
d$id <- seq_len(nrow(d))
# Inputs must read back as the very same doubles in any language (shortest decimal text).
fmt_in <- function(x) ifelse(is.na(x), "", format(x, digits = 15, trim = TRUE, scientific = FALSE))
for (col in c("age", "weight", "lenhei", "headc", "armc")) {
  s <- vapply(d[[col]], fmt_in, "")
  back <- suppressWarnings(as.numeric(s))
  stopifnot(identical(is.na(back), is.na(d[[col]])), all(back == d[[col]], na.rm = TRUE))
}
z <- zscores(sex = d$sex, age = d$age, weight = d$weight, lenhei = d$lenhei,
             measure = ifelse(is.na(d$measure), NA_character_, d$measure),
             headc = d$headc, armc = d$armc, oedema = d$oedema)
fmt_z <- function(x) ifelse(is.na(x), "", sprintf("%.2f", x))
fmt_f <- function(x) ifelse(is.na(x), "", as.character(x))
out <- data.frame(
  id = d$id, sex = d$sex, age_days = vapply(d$age, fmt_in, ""), weight_kg = vapply(d$weight, fmt_in, ""),
  lenhei_cm = vapply(d$lenhei, fmt_in, ""), measure = ifelse(is.na(d$measure), "", d$measure),
  head_cm = vapply(d$headc, fmt_in, ""), muac_cm = vapply(d$armc, fmt_in, ""), oedema = d$oedema,
  clenhei = ifelse(is.na(z$clenhei), "", sprintf("%.10g", z$clenhei)),
  c9mo_flag = z$c9mo_flag,
  zlen = fmt_z(z$zlen), flen = fmt_f(z$flen), zwei = fmt_z(z$zwei), fwei = fmt_f(z$fwei),
  zwfl = fmt_z(z$zwfl), fwfl = fmt_f(z$fwfl), zbmi = fmt_z(z$zbmi), fbmi = fmt_f(z$fbmi),
  zhc = fmt_z(z$zhc), fhc = fmt_f(z$fhc), zac = fmt_z(z$zac), fac = fmt_f(z$fac),
  stringsAsFactors = FALSE
)
cat("# WHO Anthro 1.1.0 (R package anthro, anthro_zscores) output; made by scripts/who-anthro-reference.R on", R.version.string, "\n")
write.csv(out, stdout(), row.names = FALSE, quote = FALSE, na = "")
