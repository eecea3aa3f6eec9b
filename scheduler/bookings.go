package scheduler

import "zhiban/service"

// PurgeBookingsJob deletes, daily, the public bookings (预约接访) whose duty
// day is more than booking.retention_days past, with the visitor's data.
func PurgeBookingsJob(svc *service.Service) Job {
	return Job{
		Name: "purge-bookings", Title: "清除过期预约", Kind: Daily, Key: "jobs.purge_bookings", Spec: svc.Config().Jobs.PurgeBookings,
		Run: withEnv(svc, service.PurgeExpiredBookings),
	}
}
