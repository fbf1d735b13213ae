# Reference values for tests/c/test_survival.c from R's survival package.
# Run from this directory: Rscript make_survival_ref.R  (writes surv_data.csv and surv_ref.txt)
suppressMessages(library(survival))
set.seed(20261122)
n <- 300
csat <- sample(1:5, n, replace = TRUE, prob = c(.1, .15, .25, .3, .2))
att <- round(runif(n), 3)
grp <- sample(0:2, n, replace = TRUE)
rate <- 0.05 * exp(-0.35 * (csat - 3) - 0.8 * (att - 0.5) + 0.3 * (grp == 2))
# time-varying effect of att so that the proportional-hazards test has something to find
t_ev <- rexp(n, rate)
t_ev <- ifelse(att > 0.7, t_ev^1.3 / 3, t_ev)
t_cens <- runif(n, 5, 60)
time <- ceiling(pmin(t_ev, t_cens))          # whole days: many ties
status <- as.integer(t_ev <= t_cens)
d <- data.frame(time, status, csat, att, grp)
write.csv(d, "surv_data.csv", row.names = FALSE, quote = FALSE)

out <- file("surv_ref.txt", "w")
put <- function(key, x) writeLines(paste(key, paste(sprintf("%.12g", x), collapse = " ")), out)
# aml
a <- survival::aml
a$x <- as.integer(a$x == "Nonmaintained")
for (ct in c("log", "log-log", "plain")) {
  f <- survfit(Surv(time, status) ~ 1, data = a, conf.type = ct)
  tag <- gsub("-", "", ct)
  if (ct == "log") {
    put("aml.km.time", f$time); put("aml.km.nrisk", f$n.risk); put("aml.km.nevent", f$n.event)
    put("aml.km.surv", f$surv); put("aml.km.se", f$std.err * f$surv)
  }
  put(paste0("aml.km.", tag, ".lower"), f$lower); put(paste0("aml.km.", tag, ".upper"), f$upper)
}
sd <- survdiff(Surv(time, status) ~ x, data = a)
put("aml.logrank", c(sd$chisq, pchisq(sd$chisq, 1, lower.tail = FALSE), sd$obs, sd$exp))
for (ties in c("efron", "breslow")) {
  m <- coxph(Surv(time, status) ~ x, data = a, ties = ties, control = coxph.control(eps = 1e-12, toler.chol = 1e-14, iter.max = 100))
  put(paste0("aml.cox.", ties), c(coef(m), sqrt(diag(vcov(m))), m$loglik))
}
# synthetic
f <- survfit(Surv(time, status) ~ 1, data = d, conf.type = "log-log")
put("syn.km.time", f$time); put("syn.km.surv", f$surv); put("syn.km.se", f$std.err * f$surv)
put("syn.km.lower", f$lower); put("syn.km.upper", f$upper)
sd <- survdiff(Surv(time, status) ~ grp, data = d)
put("syn.logrank", c(sd$chisq, pchisq(sd$chisq, 2, lower.tail = FALSE), sd$obs, sd$exp))
for (ties in c("efron", "breslow")) {
  m <- coxph(Surv(time, status) ~ csat + att + grp, data = d, ties = ties,
             control = coxph.control(eps = 1e-12, toler.chol = 1e-14, iter.max = 100))
  put(paste0("syn.cox.", ties, ".coef"), coef(m))
  put(paste0("syn.cox.", ties, ".se"), sqrt(diag(vcov(m))))
  put(paste0("syn.cox.", ties, ".vcov"), as.vector(vcov(m)))
  put(paste0("syn.cox.", ties, ".loglik"), m$loglik)
  for (tr in c("km", "identity", "rank", "log")) {
    z <- cox.zph(m, transform = tr, terms = FALSE)
    put(paste0("syn.zph.", ties, ".", tr), c(z$table[, "chisq"], z$table[, "p"]))
  }
  if (ties == "breslow") {
    b <- basehaz(m, centered = FALSE)
    b <- b[!duplicated(b$hazard), ]
    put("syn.base.breslow.time", b$time); put("syn.base.breslow.hazard", b$hazard)
  }
}
close(out)
