// The ns-3 side of the comparison harness (bench/ns3/main.ts): runs one scenario written by
// bench/ns3/spec.ts and prints its figures as one JSON line. Built only where Debian's libns3-dev
// is installed (bench/ns3/build.ts); nothing else in the project needs it.
//
// Hosts and switches are ns-3 nodes with the Internet stack joined by point-to-point links;
// switches forward by global routing (ECMP per packet at random when asked, the only ECMP ns-3.37
// has). A switch port is a queue disc in front of a one-packet device queue: FIFO, or RED with a
// step at the marking threshold (weight 1, so the instantaneous queue) for DCTCP. Capacities are
// set so that a port holds what ours holds: the queue disc, the device queue, the packet on the wire.
#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/traffic-control-module.h"

#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace ns3;

// build.ts passes the version pkg-config reports.
#ifndef NS3_VERSION
#define NS3_VERSION "unknown"
#endif

struct Link
{
    std::string a, b;
    uint64_t bps;
    uint64_t latencyPs;
};

struct Flow
{
    std::string kind, src, dst;
    uint64_t startPs;
    uint64_t bytes = 0; // TCP: 0 = unlimited
    uint64_t rate = 0;  // UDP payload bits per second
    uint32_t size = 0;  // UDP payload bytes
    // Results.
    Ptr<Application> app;
    Ptr<PacketSink> sink;
    uint64_t acked = 0;
    int64_t donePs = -1;
    uint32_t recoveries = 0;
    uint32_t timeouts = 0;
};

struct Spec
{
    uint64_t untilPs = 0;
    uint32_t buffer = 100;
    uint32_t ecnK = 0;
    std::string ecmp = "flow";
    std::string cc = "reno";
    uint32_t mss = 1448;
    uint32_t ackEvery = 1;
    std::vector<std::pair<std::string, std::string>> nodes;
    std::vector<Link> links;
    std::vector<Flow> flows;
};

static Spec
ReadSpec(const std::string& path)
{
    Spec s;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line))
    {
        std::istringstream w(line);
        std::string key;
        if (!(w >> key) || key[0] == '#')
        {
            continue;
        }
        if (key == "until")
            w >> s.untilPs;
        else if (key == "buffer")
            w >> s.buffer;
        else if (key == "ecn")
            w >> s.ecnK;
        else if (key == "ecmp")
            w >> s.ecmp;
        else if (key == "cc")
            w >> s.cc;
        else if (key == "mss")
            w >> s.mss;
        else if (key == "ackevery")
            w >> s.ackEvery;
        else if (key == "node")
        {
            std::string name, kind;
            w >> name >> kind;
            s.nodes.emplace_back(name, kind);
        }
        else if (key == "link")
        {
            Link l;
            w >> l.a >> l.b >> l.bps >> l.latencyPs;
            s.links.push_back(l);
        }
        else if (key == "tcp" || key == "udp")
        {
            Flow f;
            f.kind = key;
            w >> f.src >> f.dst >> f.startPs;
            if (key == "tcp")
                w >> f.bytes;
            else
                w >> f.rate >> f.size;
            s.flows.push_back(f);
        }
        else
        {
            std::cerr << "unknown spec line: " << line << std::endl;
            std::exit(2);
        }
    }
    return s;
}

static uint64_t g_drops = 0;
static uint64_t g_hostDrops = 0;
static uint64_t g_marks = 0;

static void
OnDrop(Ptr<const QueueDiscItem>)
{
    g_drops++;
}

static void
OnHostDrop(Ptr<const QueueDiscItem>)
{
    g_hostDrops++;
}

static void
OnMark(Ptr<const QueueDiscItem>, const char*)
{
    g_marks++;
}

static void
OnDeviceDrop(Ptr<const Packet>)
{
    g_drops++;
}

// The highest acknowledgement a TCP sender got: SYN takes sequence number 0, data starts at 1.
static void
OnAck(Flow* f, SequenceNumber32, SequenceNumber32 now)
{
    uint64_t acked = now.GetValue() > 0 ? now.GetValue() - 1 : 0;
    if (f->bytes > 0 && acked > f->bytes)
        acked = f->bytes;
    f->acked = acked;
    if (f->bytes > 0 && f->donePs < 0 && acked >= f->bytes)
        f->donePs = static_cast<int64_t>(Simulator::Now().GetPicoSeconds());
}

// Entries into fast recovery and into loss recovery (a retransmission timeout).
static void
OnCongState(Flow* f, TcpSocketState::TcpCongState_t, TcpSocketState::TcpCongState_t now)
{
    if (now == TcpSocketState::CA_RECOVERY)
        f->recoveries++;
    else if (now == TcpSocketState::CA_LOSS)
        f->timeouts++;
}

static void
WatchSender(Flow* f)
{
    Ptr<Socket> socket = DynamicCast<BulkSendApplication>(f->app)->GetSocket();
    socket->TraceConnectWithoutContext("HighestRxAck", MakeBoundCallback(&OnAck, f));
    socket->TraceConnectWithoutContext("CongState", MakeBoundCallback(&OnCongState, f));
}

int
main(int argc, char* argv[])
{
    if (argc < 2)
    {
        std::cerr << "usage: sim <spec file>" << std::endl;
        return 2;
    }
    Time::SetResolution(Time::PS);
    Spec spec = ReadSpec(argv[1]);

    // TCP as ours: 1448-byte segments, initial window 10, SACK, timestamps, limited transmit,
    // PRR (ns-3's defaults), an acknowledgement per segment unless asked otherwise, RTO floor
    // and first RTO 1 ms without a clock-granularity term. A 1 MB send buffer: ns-3 has no TCP
    // Small Queues, so a larger one only fills the sender's own queue (and slows ns-3's
    // per-acknowledgement work); 1 GB to receive, so that the receive window never limits.
    Config::SetDefault("ns3::TcpL4Protocol::SocketType",
                       TypeIdValue(spec.cc == "dctcp" ? TcpDctcp::GetTypeId() : TcpNewReno::GetTypeId()));
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(spec.mss));
    Config::SetDefault("ns3::TcpSocket::InitialCwnd", UintegerValue(10));
    Config::SetDefault("ns3::TcpSocket::DelAckCount", UintegerValue(spec.ackEvery));
    Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(1 << 20));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(1 << 30));
    Config::SetDefault("ns3::TcpSocketBase::MinRto", TimeValue(MilliSeconds(1)));
    Config::SetDefault("ns3::TcpSocketBase::ClockGranularity", TimeValue(PicoSeconds(1)));
    Config::SetDefault("ns3::RttEstimator::InitialEstimation", TimeValue(MilliSeconds(1)));
    Config::SetDefault("ns3::TcpSocketBase::Sack", BooleanValue(true));
    Config::SetDefault("ns3::Ipv4GlobalRouting::RandomEcmpRouting", BooleanValue(spec.ecmp == "packet"));

    std::map<std::string, Ptr<Node>> nodes;
    std::map<std::string, bool> isHost;
    NodeContainer all;
    for (auto& [name, kind] : spec.nodes)
    {
        Ptr<Node> n = CreateObject<Node>();
        nodes[name] = n;
        isHost[name] = kind == "host";
        all.Add(n);
    }
    InternetStackHelper stack;
    stack.Install(all);

    // A port holds `buffer` packets: the queue disc, one in the device queue, one on the wire.
    const uint32_t disc = spec.buffer > 2 ? spec.buffer - 2 : 1;
    Ipv4AddressHelper addresses;
    addresses.SetBase("10.0.0.0", "255.255.255.252");
    std::map<std::string, Ipv4Address> hostAddress;
    for (auto& l : spec.links)
    {
        PointToPointHelper p2p;
        p2p.SetDeviceAttribute("DataRate", DataRateValue(DataRate(l.bps)));
        p2p.SetChannelAttribute("Delay", TimeValue(PicoSeconds(l.latencyPs)));
        p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", QueueSizeValue(QueueSize("1p")));
        NetDeviceContainer d = p2p.Install(nodes[l.a], nodes[l.b]);
        for (uint32_t i = 0; i < 2; i++)
        {
            const std::string& owner = i == 0 ? l.a : l.b;
            TrafficControlHelper tc;
            if (isHost[owner])
                // ns-3 has no TCP Small Queues: a sender's window grows into its own queue, which
                // must not overflow (ours holds senders back at 32 packets).
                tc.SetRootQueueDisc("ns3::FifoQueueDisc", "MaxSize", QueueSizeValue(QueueSize("100000p")));
            else if (spec.ecnK > 0)
                // Marks from a queue of ecnK - 2 in the disc (ecnK with the device queue and the wire):
                // RED with weight 1 marks for sure at MaxTh and never at MinTh.
                tc.SetRootQueueDisc("ns3::RedQueueDisc",
                                    "MaxSize", QueueSizeValue(QueueSize(std::to_string(disc) + "p")),
                                    "UseEcn", BooleanValue(true), "UseHardDrop", BooleanValue(false),
                                    "QW", DoubleValue(1.0), "Gentle", BooleanValue(false),
                                    "MinTh", DoubleValue(spec.ecnK - 3.0), "MaxTh", DoubleValue(spec.ecnK - 2.0),
                                    "LInterm", DoubleValue(1.0), "MeanPktSize", UintegerValue(1500));
            else
                tc.SetRootQueueDisc("ns3::FifoQueueDisc", "MaxSize", QueueSizeValue(QueueSize(std::to_string(disc) + "p")));
            QueueDiscContainer q = tc.Install(d.Get(i));
            q.Get(0)->TraceConnectWithoutContext("Drop", MakeCallback(isHost[owner] ? &OnHostDrop : &OnDrop));
            q.Get(0)->TraceConnectWithoutContext("Mark", MakeCallback(&OnMark));
            d.Get(i)->TraceConnectWithoutContext("MacTxDrop", MakeCallback(&OnDeviceDrop));
        }
        Ipv4InterfaceContainer ifs = addresses.Assign(d);
        addresses.NewNetwork();
        if (isHost[l.a])
            hostAddress[l.a] = ifs.GetAddress(0);
        if (isHost[l.b])
            hostAddress[l.b] = ifs.GetAddress(1);
    }
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();

    uint16_t port = 10000;
    for (auto& f : spec.flows)
    {
        port++;
        Time start = PicoSeconds(f.startPs);
        if (f.kind == "tcp")
        {
            BulkSendHelper send("ns3::TcpSocketFactory", InetSocketAddress(hostAddress[f.dst], port));
            send.SetAttribute("MaxBytes", UintegerValue(f.bytes));
            send.SetAttribute("SendSize", UintegerValue(spec.mss));
            ApplicationContainer a = send.Install(nodes[f.src]);
            a.Start(start);
            f.app = a.Get(0);
            Simulator::Schedule(start + PicoSeconds(1), &WatchSender, &f);
            PacketSinkHelper sink("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), port));
            ApplicationContainer s = sink.Install(nodes[f.dst]);
            s.Start(Seconds(0));
            f.sink = DynamicCast<PacketSink>(s.Get(0));
        }
        else
        {
            OnOffHelper send("ns3::UdpSocketFactory", InetSocketAddress(hostAddress[f.dst], port));
            send.SetConstantRate(DataRate(f.rate), f.size);
            ApplicationContainer a = send.Install(nodes[f.src]);
            a.Start(start);
            f.app = a.Get(0);
            PacketSinkHelper sink("ns3::UdpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), port));
            ApplicationContainer s = sink.Install(nodes[f.dst]);
            s.Start(Seconds(0));
            f.sink = DynamicCast<PacketSink>(s.Get(0));
        }
    }

    Simulator::Stop(PicoSeconds(spec.untilPs));
    auto t0 = std::chrono::steady_clock::now();
    Simulator::Run();
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    std::cout << "{\"ns3\":\"" << NS3_VERSION << "\",\"wall\":" << wall << ",\"drops\":" << g_drops << ",\"hostDrops\":" << g_hostDrops
              << ",\"marks\":" << g_marks << ",\"flows\":[";
    for (size_t i = 0; i < spec.flows.size(); i++)
    {
        Flow& f = spec.flows[i];
        uint64_t bytes = f.kind == "tcp" ? f.acked : f.sink->GetTotalRx();
        std::cout << (i ? "," : "") << "{\"kind\":\"" << f.kind << "\",\"src\":\"" << f.src << "\",\"dst\":\"" << f.dst
                  << "\",\"bytes\":" << bytes << ",\"received\":" << f.sink->GetTotalRx() << ",\"recoveries\":" << f.recoveries
                  << ",\"timeouts\":" << f.timeouts << ",\"fct\":";
        if (f.donePs >= 0)
            std::cout << (f.donePs - static_cast<int64_t>(f.startPs));
        else
            std::cout << "null";
        std::cout << "}";
    }
    std::cout << "]}" << std::endl;
    Simulator::Destroy();
    return 0;
}
