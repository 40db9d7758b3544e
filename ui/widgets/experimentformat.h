#pragma once

#include "experiments/experiment.h"

#include <QString>

// How the Experiments page writes an experiment's figures for people: one place, so the
// list, the planner, the results tables and their tooltips agree.
namespace PromoDesk::Ui::ExperimentFormat {

QString statusLabel(Experiments::ExperimentStatus status);      // "Draft", "Running", …
QString roleLabel(Experiments::MetricRole role);      // "Primary", "Secondary", "Guardrail"
QString engineLabel(Stats::Engine engine);            // "Frequentist", "Bayesian"
QString correctionLabel(const QString &key);          // "Holm", "Benjamini–Hochberg", "None"
// "$5 off (control)", "Holdout": the variant's name, or its key.
QString variantLabel(const Experiments::Experiment &experiment, int index);

// A metric's value: a rate as a percentage, money (cents) with the currency, else a number.
QString value(Experiments::Metric metric, double value, const QString &currency);
// A count (units, orders, successes) or a money total, for the raw numerator / denominator.
QString count(double value);
// A relative lift: "+7.1%", "−3.5%", "∞".
QString lift(double relative);
// "(−3.5% … +14.5%)"
QString interval(double low, double high);
// "0.031", "< 0.001"
QString pValue(double p);
// "93.2%"
QString percent(double share, int decimals = 1);
// "2026-03-01 09:05 UTC"
QString utc(qint64 ms);
// "1 day", "12 days" (rounded up), put into `pattern`'s %1 ("about %1").
QString days(double days, const QString &pattern = QStringLiteral("%1"));

} // namespace PromoDesk::Ui::ExperimentFormat
