# The starter's share of a startup, from Spring Boot's /actuator/startup (the sample's
# CpuTimeRecordingApplicationStartup: Spring's BufferingApplicationStartup plus each step's CPU
# time in the tag cpuTimeNanos): the exclusive time (own duration minus that of the steps nested
# in it) of every step of one of the starter's beans (bean names gracefulShutdown*,
# graceful-shutdown-* and the starter's configuration classes io.github.gracefulshutdown.*, not
# the sample's), in milliseconds, as wall time and as CPU time of the thread.
# Prints "starter_wall_ms steps total_refresh_ms starter_cpu_ms".
def secs:
	if type == "number" then .
	else capture("PT(?:(?<m>[0-9]+)M)?(?:(?<s>[0-9.]+)S)?") | ((.m // "0" | tonumber) * 60 + (.s // "0" | tonumber))
	end;
def starter_bean:
	[.startupStep.tags[]? | select(.key == "beanName") | .value
		| test("^gracefulShutdown|^graceful-shutdown-|^io\\.github\\.gracefulshutdown\\.(?!sample\\.)")] | any;
def cpu_secs:
	([.startupStep.tags[]? | select(.key == "cpuTimeNanos") | .value | tonumber] | first // 0) / 1e9;
[.timeline.events[] | {id: .startupStep.id, parent: .startupStep.parentId, name: .startupStep.name,
	d: (.duration | secs), cpu: cpu_secs, starter: starter_bean}] as $steps
| ([$steps[] | select(.parent != null)] | group_by(.parent)
	| map({key: (.[0].parent | tostring), value: {d: (map(.d) | add), cpu: (map(.cpu) | add)}}) | from_entries) as $nested
| [$steps[] | select(.starter) | .d - ($nested[.id | tostring].d // 0)] as $own
| [$steps[] | select(.starter) | .cpu - ($nested[.id | tostring].cpu // 0)] as $own_cpu
| [($own | add // 0) * 1000, ($own | length),
	([$steps[] | select(.name == "spring.context.refresh") | .d] | add // 0) * 1000, ($own_cpu | add // 0) * 1000]
| map(tostring) | join(" ")
