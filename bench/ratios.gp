# SPDX-License-Identifier: GPL-2.0
# gnuplot -e "datafile='...'; outfile='...'; nk=N" bench/ratios.gp
set terminal pngcairo noenhanced size 1100,600 font ",10"
set output outfile
set title "message_slot: ratios measured in the same boot (QEMU TCG, 2 vCPUs); bars: kernels, dots: targets"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set xtics rotate by -25 scale 0 font ",8"
set key top right
set grid ytics
set yrange [0:*]
plot for [i=3:2+nk] datafile using i:xtic(1) title columnhead(i), \
     datafile using ($0-1):2 with points pt 7 ps 1.2 lc rgb "black" title "target"
