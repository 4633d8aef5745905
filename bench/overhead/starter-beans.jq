# Per step of the starter's beans in Spring Boot's /actuator/startup (see starter-steps.jq): one
# line "step name and bean<TAB>exclusive wall ms<TAB>exclusive CPU ms" per step.
def secs:
	if type == "number" then .
	else capture("PT(?:(?<m>[0-9]+)M)?(?:(?<s>[0-9.]+)S)?") | ((.m // "0" | tonumber) * 60 + (.s // "0" | tonumber))
	end;
def bean: [.startupStep.tags[]? | select(.key == "beanName") | .value] | first // "";
def cpu_secs:
	([.startupStep.tags[]? | select(.key == "cpuTimeNanos") | .value | tonumber] | first // 0) / 1e9;
[.timeline.events[] | {id: .startupStep.id, parent: .startupStep.parentId, name: .startupStep.name,
	d: (.duration | secs), cpu: cpu_secs, bean: bean}] as $steps
| ([$steps[] | select(.parent != null)] | group_by(.parent)
	| map({key: (.[0].parent | tostring), value: {d: (map(.d) | add), cpu: (map(.cpu) | add)}}) | from_entries) as $nested
| $steps[]
| select(.bean | test("^gracefulShutdown|^graceful-shutdown-|^io\\.github\\.gracefulshutdown\\.(?!sample\\.)"))
| [.name + " " + .bean, (.d - ($nested[.id | tostring].d // 0)) * 1000, (.cpu - ($nested[.id | tostring].cpu // 0)) * 1000]
| @tsv
