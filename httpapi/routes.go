package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"zhiban/store"
)

// routes is the whole HTTP surface in one table.
func (s *Server) routes(e *echo.Echo) {
	e.GET("/healthz", s.showHealth)
	// Public pages, feeds and JSON: rendered once per change (cache.go), GET and HEAD.
	public := []string{http.MethodGet, http.MethodHead}
	e.Match(public, "/", s.showTodayPage)
	e.Match(public, "/roster/:month", s.showRosterMonth)
	e.Match(public, "/visits", s.showVisitsPage)
	e.Match(public, "/qr.png", s.showQRCode)
	e.Match(public, "/feeds/roster.ics", s.showRosterFeed)
	e.Match(public, "/feeds/township/:file", s.showTownshipFeed)
	e.Match(public, "/feeds/leader/:file", s.showLeaderFeed)
	e.Match(public, "/api/v1/public/today", s.showTodayJSON)
	e.Match(public, "/api/v1/public/range", s.showRangeJSON)
	e.Match(public, "/api/v1/public/visits", s.showVisitsJSON)

	// Staff workspace. Every route but the login form carries requireRole;
	// writes also need the session's CSRF token (TestEveryWriteRouteChecksRole).
	viewer, editor, admin := s.requireRole(store.RoleViewer), s.requireRole(store.RoleEditor), s.requireRole(store.RoleAdmin)
	e.GET("/staff/login", s.showLogin)
	e.POST("/staff/login", s.login)
	e.POST("/staff/logout", s.logout, viewer)
	e.GET("/staff/password", s.showPasswordForm, viewer)
	e.POST("/staff/password", s.changePassword, viewer)
	e.GET("/staff", s.showStaffHome, viewer)
	e.GET("/staff/audit", s.showAudit, viewer)
	e.GET("/staff/users", s.showUsers, admin)
	e.POST("/staff/users", s.createUser, admin)
	e.POST("/staff/users/:name", s.updateUser, admin)
	e.POST("/staff/users/:name/tokens", s.createToken, admin)
	e.POST("/staff/users/:name/tokens/:id/revoke", s.revokeToken, admin)
	// Cases, visits and sweeps (issue 5): private data, so reads are staff-only
	// too (staffAPI: staff API tokens or sessions).
	apiRead, apiWrite := s.staffAPI(store.RoleViewer), s.staffAPI(store.RoleEditor)
	e.GET("/api/v1/cases", apiV1(s.listCases), apiRead)
	e.POST("/api/v1/cases", apiV1(s.createCase), apiWrite)
	e.GET("/api/v1/cases/:id", apiV1(s.showCase), apiRead)
	e.POST("/api/v1/cases/:id/transitions", apiV1(s.transitionCase), apiWrite)
	e.POST("/api/v1/cases/:id/milestones", apiV1(s.addMilestone), apiWrite)
	e.POST("/api/v1/cases/:id/extension", apiV1(s.extendCase), apiWrite)
	e.POST("/api/v1/cases/:id/leader", apiV1(s.setCaseLeader), apiWrite)
	e.GET("/api/v1/visits", apiV1(s.listVisits), apiRead)
	e.POST("/api/v1/visits", apiV1(s.createVisit), apiWrite)
	e.GET("/api/v1/visits/:id", apiV1(s.showVisit), apiRead)
	e.POST("/api/v1/visits/:id/confirm", apiV1(s.confirmVisit), apiWrite)
	e.POST("/api/v1/visits/:id/reschedule", apiV1(s.rescheduleVisit), apiWrite)
	e.POST("/api/v1/visits/:id/cancel", apiV1(s.cancelVisit), apiWrite)
	e.POST("/api/v1/visits/:id/outcome", apiV1(s.recordOutcome), apiWrite)
	e.GET("/api/v1/sweeps/current", apiV1(s.showCurrentSweep), apiRead)
	e.GET("/api/v1/sweeps/:month", apiV1(s.showSweep), apiRead)
	e.GET("/api/v1/sweeps/:month/findings", apiV1(s.listFindings), apiRead)
	e.POST("/api/v1/sweeps/:month/reports", apiV1(s.fileReport), apiWrite)
	e.POST("/api/v1/findings/:id/escalate", apiV1(s.escalateFinding), apiWrite)
	e.POST("/api/v1/findings/:id/resolve", apiV1(s.resolveFinding), apiWrite)
	e.GET("/api/v1/flags", apiV1(s.listFlags), apiRead)
	e.GET("/api/v1/jobs", apiV1(s.listJobsJSON), admin)
	e.POST("/api/v1/jobs/:name/run", apiV1(s.runJobJSON), admin)
	// Staff pages for cases, visits, sweeps, jobs, holidays and leaders.
	e.GET("/staff/cases", s.showCaseList, viewer)
	e.GET("/staff/cases.xlsx", s.exportCaseLedger, viewer)
	e.GET("/staff/cases/:id", s.showCasePage, viewer)
	e.POST("/staff/cases/:id/transition", s.postCaseTransition, editor)
	e.POST("/staff/cases/:id/milestone", s.postCaseMilestone, editor)
	e.POST("/staff/cases/:id/extension", s.postCaseExtension, editor)
	e.POST("/staff/cases/:id/leader", s.postCaseLeader, editor)
	e.GET("/staff/visits", s.showVisitsCalendar, viewer)
	e.POST("/staff/visits", s.postVisit, editor)
	e.GET("/staff/visits/:id", s.showVisitPage, viewer)
	e.POST("/staff/visits/:id/confirm", s.postVisitConfirm, editor)
	e.POST("/staff/visits/:id/reschedule", s.postVisitReschedule, editor)
	e.POST("/staff/visits/:id/cancel", s.postVisitCancel, editor)
	e.POST("/staff/visits/:id/outcome", s.postVisitOutcome, editor)
	e.GET("/staff/sweeps", s.showCurrentSweepPage, viewer)
	e.GET("/staff/sweeps/:month", s.showSweepPage, viewer) // YYYY-MM, or YYYY-MM.xlsx for the report
	e.POST("/staff/sweeps/:month/reports", s.postSweepReport, editor)
	e.POST("/staff/findings/:id/escalate", s.postFindingEscalate, editor)
	e.POST("/staff/findings/:id/resolve", s.postFindingResolve, editor)
	e.GET("/staff/jobs", s.showJobs, viewer)
	e.POST("/staff/jobs/:name/run", s.postJobRun, admin)
	e.GET("/staff/holidays", s.showHolidays, viewer)
	e.POST("/staff/holidays/preview", s.previewHolidays, editor)
	e.POST("/staff/holidays", s.saveHolidays, editor)
	e.POST("/staff/holidays/:year/confirm", s.confirmHolidays, editor)
	e.GET("/staff/leaders", s.showLeaders, viewer)
	e.POST("/staff/leaders/:id/links", s.saveLeaderLinks, editor)
	e.POST("/staff/leaders/:id/feed-token", s.rotateLeaderFeed, editor)
	e.POST("/staff/leaders/:id/feed-token/revoke", s.revokeLeaderFeed, editor)
	e.POST("/api/v1/rosters/:roster/months/:month/publish", apiV1(s.publishMonth), apiWrite)
	e.GET("/staff/roster", s.showRosterIndex, viewer)
	e.GET("/staff/roster/:roster/slot", s.showSlot, viewer)
	e.POST("/staff/roster/:roster/assign", s.assignSlot, editor)
	e.POST("/staff/roster/:roster/pin", s.pinSlot, editor)
	e.POST("/staff/roster/:roster/swap", s.swapSlots, editor)
	e.GET("/staff/roster/:roster/:month", s.showStaffMonth, viewer) // YYYY-MM, or YYYY-MM.xlsx to download
	e.POST("/staff/roster/:roster/:month/publish", s.postPublishMonth, editor)
	e.GET("/staff/regenerate", s.showRegenerate, viewer)
	e.POST("/staff/regenerate", s.applyRegenerate, editor)
	e.GET("/staff/fairness", s.showFairness, viewer)
	e.GET("/staff/absences", s.showAbsences, viewer)
	e.POST("/staff/absences/preview", s.previewAbsence, editor)
	e.POST("/staff/absences", s.createAbsence, editor)
	e.POST("/staff/absences/:id/delete", s.deleteAbsence, editor)
	e.PUT("/api/v1/assignments/:roster/:date/:role", s.putAssignment, editor)
	e.GET("/staff/import", s.showImport, editor)
	e.POST("/staff/import/preview", s.previewImport, editor)
	e.POST("/staff/import/apply", s.applyImport, editor)
	e.GET("/staff/import/leaders.xlsx", s.exportLeaders, editor) // phones are in it: not for viewers
	e.GET("/staff/import/absences-template.xlsx", s.exportAbsencesTemplate, editor)
}
