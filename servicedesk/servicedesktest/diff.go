package servicedesktest

import (
	"fmt"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/servicedesk"
)

func diffWorkOrder(got, want servicedesk.WorkOrder) error {
	return kit.Deep(fmt.Sprintf("work order %s/%s", want.DealerID, want.ID), got, want)
}

func diffCalendarDay(got, want servicedesk.CalendarDay) error {
	return kit.Deep(fmt.Sprintf("calendar day %s/%s/%s", want.DealerID, want.Technician, want.Day), got, want)
}

func diffComplaint(got, want servicedesk.Complaint) error {
	return kit.Deep(fmt.Sprintf("complaint %s/%s", want.DealerID, want.ID), got, want)
}

func diffSurvey(got, want servicedesk.Survey) error {
	return kit.Deep(fmt.Sprintf("survey %s/%s", want.DealerID, want.WorkOrder), got, want)
}
