set terminal png size 1200,420
set output 'relay-bench-out/relay.png'
set multiplot layout 1,3 title 'comedia-relay-bench (full): Intel(R) Xeon(R) Processor, 2 CPUs, Linux 6.18.44-fc-v1045' font ',9'
set logscale x
set grid
set key top left
set xlabel 'calls'
set yrange [0:*]
set title 'relay CPU per relayed packet'
set ylabel 'microseconds'
plot 'relay-bench-out/relay-comedia.dat' using 1:2 with linespoints lc 1 dt 1 title 'comedia', 'relay-bench-out/relay-raw.dat' using 1:2 with linespoints lc 2 dt 1 title 'raw', 'relay-bench-out/relay-rtpengine.dat' using 1:2 with linespoints lc 3 dt 1 title 'rtpengine'
set title 'trip through the relay: p50 and p99'
set ylabel 'milliseconds'
set logscale y
set yrange [*:*]
plot 'relay-bench-out/relay-comedia.dat' using 1:3 with linespoints lc 1 dt 1 title 'comedia p50', 'relay-bench-out/relay-raw.dat' using 1:3 with linespoints lc 2 dt 1 title 'raw p50', 'relay-bench-out/relay-rtpengine.dat' using 1:3 with linespoints lc 3 dt 1 title 'rtpengine p50', 'relay-bench-out/relay-comedia.dat' using 1:4 with linespoints lc 1 dt 2 title 'comedia p99', 'relay-bench-out/relay-raw.dat' using 1:4 with linespoints lc 2 dt 2 title 'raw p99', 'relay-bench-out/relay-rtpengine.dat' using 1:4 with linespoints lc 3 dt 2 title 'rtpengine p99'
unset logscale y
set yrange [0:*]
set title 'CPU: relay and generator'
set ylabel 'cores'
plot 'relay-bench-out/relay-comedia.dat' using 1:5 with linespoints lc 1 dt 1 title 'comedia relay', 'relay-bench-out/relay-raw.dat' using 1:5 with linespoints lc 2 dt 1 title 'raw relay', 'relay-bench-out/relay-rtpengine.dat' using 1:5 with linespoints lc 3 dt 1 title 'rtpengine relay', 'relay-bench-out/relay-comedia.dat' using 1:6 with linespoints lc 1 dt 2 title 'comedia generator', 'relay-bench-out/relay-raw.dat' using 1:6 with linespoints lc 2 dt 2 title 'raw generator', 'relay-bench-out/relay-rtpengine.dat' using 1:6 with linespoints lc 3 dt 2 title 'rtpengine generator'
unset multiplot
