// Package cost prices downtime: lost revenue, the labor of the responders,
// the opportunity cost of diverted engineering work and the SLA credits owed.
//
// It is pure arithmetic over a service's cost model (slo.CostModel, as the
// specs state it) and measured inputs. Every figure is a line that keeps the
// inputs of its formula, so a report can show how each amount was reached:
//
//	lost revenue = revenue per minute x share x impact x downtime-equivalent minutes x (1 - recovery)
//	labor        = people x hourly rate x (hours per incident + hours per outage hour x outage hours)
//	               (or people x hours x rate, as an incidents file states them)
//	opportunity  = engineering hours diverted x value of an engineering hour
//	SLA credit   = monthly contract value x credit rate of the band the month's availability is below
//	               x share of the month in the period
//
// Revenue per minute is given, or the annual revenue over the minutes of a
// Gregorian year (365.2425 days, 525,949.2 minutes).
package cost
